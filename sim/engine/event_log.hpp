// The event log behind events.csv: a sink of the tracepoint hook. Each CPU appends to its own
// buffer, and the buffers are merged by (time, cpu, sequence) when written, so the file order
// never depends on how SimGrid interleaved the actors. A CPU's own events come in its (monotonic)
// local time; a kthread bound to it reports in the kthread's time, so a buffer holding both is
// sorted (stably) before the merge.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/base/tracepoint.hpp"

namespace rcusim {

// One logged event: the tracepoint's fields, its detail string interned.
struct LoggedEvent {
  std::int64_t time;  // cycles
  std::int32_t cpu;
  Ev ev;
  std::int64_t gp;
  Addr head;
  Addr func;
  std::int64_t qlen;
  std::int64_t count;
  std::uint32_t text;                // index into the detail strings, 0 = none
  std::int32_t level, grplo, grphi;  // rcu_node events; level -1 otherwise
  std::uint64_t mask, qsmask;
};

class EventLog final : public EventSink {
 public:
  explicit EventLog(int cpus) : per_cpu_(static_cast<std::size_t>(cpus)) {}
  void on_event(const TraceEvent& e) override;
  // Every event, merged in (time, cpu, seq) order.
  std::vector<LoggedEvent> merged() const;
  const std::string& text(std::uint32_t i) const { return texts_[i]; }
  // events.csv; times converted to ns by `f`.
  void write_csv(std::ostream& os, const Frequency& f) const;

 private:
  std::uint32_t intern(std::string_view s);
  std::vector<std::vector<LoggedEvent>> per_cpu_;
  std::vector<std::string> texts_{""};
  std::unordered_map<std::string, std::uint32_t> text_ids_;
};

}  // namespace rcusim

// The event log. Events are named after the kernel's RCU tracepoints
// (include/trace/events/rcu.h); each CPU appends to its own buffer in its own (monotonic) local
// time, and the buffers are merged by (time, cpu, sequence) when written, so the file order
// never depends on how SimGrid interleaved the actors.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/base/units.hpp"

namespace rcusim {

enum class Ev : std::uint8_t {
  rcu_grace_period,          // detail: start | cpustart | cpuqs | end
  rcu_callback,              // call_rcu(): head, func, qlen
  rcu_kfree_callback,        // kfree_rcu(): head, offset, qlen
  rcu_batch_start,           // rcu_do_batch(): qlen, blimit
  rcu_invoke_callback,       // head, func
  rcu_invoke_kfree_callback, // head, offset
  rcu_batch_end,             // count invoked
  rcu_donelist,              // curlist moved to donelist (gp = batch)
  rcu_force_qs,              // force_quiescent_state(): qhimark exceeded
  ksoftirqd,                 // softirq work deferred to / run by ksoftirqd
  rcu_barrier,               // detail: start | done (latency in count, ns)
  module_load,               // detail: module name
  module_unload,             // detail: module name
  busy,                      // detail: start | end (scripted busy periods)
  use_after_free,
  oops,
  bug,
  count
};
std::string_view to_string(Ev e);

struct TraceEvent {
  std::int64_t time;       // cycles
  std::int32_t cpu;
  Ev ev;
  std::int64_t gp = 0;
  Addr head = 0;
  Addr func = 0;           // function address, or the decoded offset for kfree events
  std::int64_t qlen = -1;
  std::int64_t count = -1;
  std::uint32_t text = 0;  // index into the detail strings, 0 = none
};

class Trace {
 public:
  Trace(int cpus, bool enabled);
  bool enabled() const { return enabled_; }
  void add(const TraceEvent& e) {
    if (enabled_) per_cpu_[static_cast<std::size_t>(e.cpu)].push_back(e);
  }
  // A detail-string index, deduplicated; 0 (no detail) when tracing is off, so callers need
  // not check.
  std::uint32_t intern(const std::string& s);
  // Writes events.csv merged in (time, cpu, seq) order; times converted by ns_of.
  void write_csv(std::ostream& os, const Frequency& f) const;
  std::vector<TraceEvent> merged() const;
  const std::string& text(std::uint32_t i) const { return texts_[i]; }

 private:
  bool enabled_;
  std::vector<std::vector<TraceEvent>> per_cpu_;
  std::vector<std::string> texts_{""};
  std::unordered_map<std::string, std::uint32_t> text_ids_;
};

}  // namespace rcusim

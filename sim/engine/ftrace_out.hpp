// trace.txt: the recorded events as /sys/kernel/tracing/trace shows them on a v6.6 kernel with
// the nop tracer and the RCU and irq:softirq_* events enabled (sim/trace writes the text).
#pragma once
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/trace_recorder.hpp"

namespace rcusim {

// One event's tracepoint name and TP_printk() text.
struct FtraceText {
  std::string event, fields;
};

// The event and fields `r` prints as, or nothing for an event that is not a tracepoint the
// kernel has (rcu_donelist, busy, ...). Each Ev's row is found by its name, so the kernel's
// names and their pre-v5.6 forms both work.
class FtraceMap {
 public:
  struct Row;  // one Ev's tracepoint (ftrace_out.cpp's table)
  explicit FtraceMap(const TraceRecorder& rec);
  bool has(Ev e) const { return rows_[static_cast<std::size_t>(e)] != nullptr; }
  std::optional<FtraceText> text(const Recorded& r);
  // The latency-flags column: the context the event fired in and its call site's own state
  // (irqs off, locks held).
  std::string flags(const Recorded& r) const;

 private:
  const TraceRecorder& rec_;
  std::vector<const Row*> rows_;    // by Ev
  std::vector<std::int64_t> bl_;    // per CPU: blimit of its last rcu_batch_start
};

void write_ftrace(std::ostream& os, const TraceRecorder& rec, const RecordedTrace& t);

}  // namespace rcusim

// trace.txt: the recorded events as /sys/kernel/tracing/trace shows them on a v6.6 kernel with
// the nop tracer and the RCU and irq:softirq_* events enabled (sim/trace writes the text).
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "sim/engine/trace_recorder.hpp"

namespace rcusim {

// One Ev's tracepoint: how its fields print and its call site's state (ftrace_out.cpp's
// table). Found by the Ev's name (to_string(Ev)), so that the kernel's names and their
// pre-v5.6 forms both work; nullptr for what is no kernel tracepoint (rcu_donelist, busy, ...).
struct FtraceRow;
const FtraceRow* ftrace_row(std::string_view ev_name);

// What an event's text needs beside its fields.
struct FtraceArgs {
  std::string_view detail;  // the event's detail string
  std::string symbol;       // its function as "%ps" prints it (callback events)
  std::int64_t* bl;         // its CPU's blimit from its last rcu_batch_start (read and set)
};

struct FtraceText {
  std::string event, fields;  // tracepoint name and TP_printk() text
};
FtraceText ftrace_text(const FtraceRow& row, const Recorded& r, const FtraceArgs& a);
// The latency-flags column: the context the event fired in and its call site's own state.
std::string ftrace_flags(const FtraceRow& row, const EventCtx& c);

void write_ftrace(std::ostream& os, const TraceRecorder& rec, const RecordedTrace& t);

}  // namespace rcusim

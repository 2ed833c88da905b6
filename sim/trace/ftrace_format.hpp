// Writing Linux ftrace text as a v6.6 kernel prints /sys/kernel/tracing/trace with the nop
// tracer: the header (s_show(), print_event_info() and print_func_help_header_irq(),
// kernel/trace/trace.c), then one line per event (trace_print_context(),
// kernel/trace/trace_output.c, and the event's TP_printk() from include/trace/events/rcu.h).
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/trace/ftrace_event.hpp"

namespace rcusim::ftrace {

// The latency-flags column, trace_print_lat_fmt() (kernel/trace/trace_output.c, v6.6):
// irqs-off ('d', 'D' with BH also off, 'b' BH off only, '.'),
// need-resched ('N', 'n', 'p', '.'), hardirq/softirq ('Z', 'z', 'H', 'h', 's', '.'),
// preempt depth and migrate-disable depth (one hex digit each, '.' for 0).
struct LatFlags {
  char irqs_off = '.';
  char need_resched = '.';
  char hardsoft_irq = '.';
  unsigned preempt_depth = 0;    // preempt_count & 0xf
  unsigned migrate_disable = 0;  // shown as one hex digit
};
std::string format_lat_flags(const LatFlags& f);  // 5 characters, e.g. "d..1."

enum class TimeUnit : std::uint8_t {
  us,  // " %5lu.%06lu", what the kernel prints (ns2usecs() rounds to the nearest µs)
  ns,  // " %5lu.%09lu", as `trace-cmd report -t` prints nanoseconds
};

// "<comm>-<pid> [<cpu>] <flags> <secs>.<frac>: ": comm right-aligned in 16 bytes, pid
// left-aligned in 7, cpu in 3 digits; no flags column when ctx.flags is empty (the kernel's
// irq-info option off). Only comm, pid, cpu, flags and ts_ns of ctx are used.
std::string format_context(const FtraceLine& ctx, TimeUnit unit = TimeUnit::us);

// The event's TP_printk() text, v6.6 formats.
std::string format_fields(const RcuFields& f);

// One whole line without its '\n': context, "<event>: ", fields.
std::string format_line(const FtraceLine& ctx, const RcuFields& f, TimeUnit unit = TimeUnit::us);
// The same for any event, with ctx.event and ctx.fields as the event name and text.
std::string format_raw_line(const FtraceLine& line, TimeUnit unit = TimeUnit::us);

// The `trace` file's header for the nop tracer on `cpus` online CPUs, each line ending in '\n'.
std::string format_header(std::uint64_t entries, std::uint64_t written, int cpus);

// A whole `trace` file: the header (entries = written = records.size()), then each record's
// line (its ctx and fields).
void write_trace(std::ostream& os, const std::vector<RcuRecord>& records, int cpus,
                 TimeUnit unit = TimeUnit::us);

}  // namespace rcusim::ftrace

#include "sim/trace/ftrace_format.hpp"

#include <fmt/format.h>

#include <ostream>

namespace rcusim::ftrace {
namespace {

// printf's "%*s" and "%-*s" pad by bytes; fmt pads by display width, which differs for UTF-8.
std::string pad_left(std::string_view s, std::size_t width) {
  std::string out(s.size() < width ? width - s.size() : 0, ' ');
  out += s;
  return out;
}
std::string pad_right(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

// "%p": the hashed value in 16 hex digits (pointer_string(), lib/vsprintf.c), or the text.
std::string ptr(const RcuPtr& p) {
  return p.text.empty() ? fmt::format("{:016x}", p.value) : p.text;
}

// One overload per event: its TP_printk() format, include/trace/events/rcu.h, v6.6.
std::string fields(const GracePeriod& f) {
  return fmt::format("{} {} {}", f.rcuname, f.gp_seq, f.gpevent);
}
std::string fields(const GracePeriodInit& f) {
  return fmt::format("{} {} {} {} {} {:x}", f.rcuname, f.gp_seq, f.level, f.grplo, f.grphi,
                     f.qsmask);
}
std::string fields(const QuiescentStateReport& f) {
  return fmt::format("{} {} {:x}>{:x} {} {} {} {}", f.rcuname, f.gp_seq, f.mask, f.qsmask, f.level,
                     f.grplo, f.grphi, f.gp_tasks);
}
std::string fields(const Fqs& f) {
  return fmt::format("{} {} {} {}", f.rcuname, f.gp_seq, f.cpu, f.qsevent);
}
std::string fields(const Callback& f) {
  return fmt::format("{} rhp={} func={} {}", f.rcuname, ptr(f.rhp), f.func, f.qlen);
}
std::string fields(const KvfreeCallback& f) {
  return fmt::format("{} rhp={} func={} {}", f.rcuname, ptr(f.rhp), f.offset, f.qlen);
}
std::string fields(const BatchStart& f) {
  return fmt::format("{} CBs={} bl={}", f.rcuname, f.qlen, f.blimit);
}
std::string fields(const InvokeCallback& f) {
  return fmt::format("{} rhp={} func={}", f.rcuname, ptr(f.rhp), f.func);
}
std::string fields(const InvokeKvfreeCallback& f) {
  return fmt::format("{} rhp={} func={}", f.rcuname, ptr(f.rhp), f.offset);
}
std::string fields(const InvokeKfreeBulkCallback& f) {
  return fmt::format("{} bulk=0x{} nr_records={}", f.rcuname, ptr(f.p), f.nr_records);
}
std::string fields(const BatchEnd& f) {
  return fmt::format("{} CBs-invoked={} idle={}", f.rcuname, f.callbacks_invoked, f.idle);
}
std::string fields(const Barrier& f) {
  return fmt::format("{} {} cpu {} remaining {} # {}", f.rcuname, f.s, f.cpu, f.cnt, f.done);
}

}  // namespace

std::string format_lat_flags(const LatFlags& f) {
  auto depth = [](unsigned d) { return (d & 0xf) ? "0123456789abcdef"[d & 0xf] : '.'; };
  return {f.irqs_off, f.need_resched, f.hardsoft_irq, depth(f.preempt_depth),
          depth(f.migrate_disable)};
}

std::string format_context(const FtraceLine& ctx, TimeUnit unit) {
  // trace_print_context(): "%16s-%-7d ", "[%03d] ", the flags, then trace_print_time()'s
  // " %5lu.%06lu" from ns2usecs() (kernel/trace/trace.c), which rounds to the nearest µs.
  std::string out = pad_left(ctx.comm, 16) + '-' + pad_right(std::to_string(ctx.pid), 7);
  out += fmt::format(" [{:03}] {}", ctx.cpu, ctx.flags);
  if (unit == TimeUnit::us) {
    std::uint64_t us = (static_cast<std::uint64_t>(ctx.ts_ns) + 500) / 1000;
    out += fmt::format(" {:5}.{:06}: ", us / 1'000'000, us % 1'000'000);
  } else {
    out += fmt::format(" {:5}.{:09}: ", ctx.ts_ns / 1'000'000'000, ctx.ts_ns % 1'000'000'000);
  }
  return out;
}

std::string format_fields(const RcuFields& f) {
  return std::visit([](const auto& e) { return fields(e); }, f);
}

std::string format_line(const FtraceLine& ctx, const RcuFields& f, TimeUnit unit) {
  // trace_raw_output_prep() prints "<name>: " before the TP_printk() text.
  return format_context(ctx, unit) + std::string(event_name(f)) + ": " + format_fields(f);
}

std::string format_raw_line(const FtraceLine& line, TimeUnit unit) {
  return format_context(line, unit) + line.event + ": " + line.fields;
}

std::string format_header(std::uint64_t entries, std::uint64_t written, int cpus) {
  // s_show(), print_event_info() and print_func_help_header_irq() (kernel/trace/trace.c,
  // v6.6) without record-tgid: their "%.*s" paddings are 2 characters wide.
  static constexpr std::string_view legend =
      "#                                _-----=> irqs-off/BH-disabled\n"
      "#                               / _----=> need-resched\n"
      "#                              | / _---=> hardirq/softirq\n"
      "#                              || / _--=> preempt-depth\n"
      "#                              ||| / _-=> migrate-disable\n"
      "#                              |||| /     delay\n"
      "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
      "#              | |         |   |||||     |         |\n";
  return fmt::format("# tracer: nop\n#\n# entries-in-buffer/entries-written: {}/{}   #P:{}\n#\n",
                     entries, written, cpus) +
         std::string(legend);
}

void write_trace(std::ostream& os, const std::vector<RcuRecord>& records, int cpus, TimeUnit unit) {
  os << format_header(records.size(), records.size(), cpus);
  for (const RcuRecord& r : records) os << format_line(r.line, r.fields, unit) << '\n';
}

}  // namespace rcusim::ftrace

#include "sim/engine/ftrace_out.hpp"

#include <fmt/format.h>

#include <ostream>

#include "sim/trace/ftrace_format.hpp"

namespace rcusim {
namespace ft = ftrace;

namespace {

// The flavour's rcu_state.name: v6.6 names it rcu_sched on a non-preemptible kernel, which is
// what both modelled flavours are.
constexpr std::string_view kRcuName = "rcu_sched";
constexpr unsigned kRcuSoftirq = 9;  // RCU_SOFTIRQ, include/linux/interrupt.h, v6.6

using Bl = std::vector<std::int64_t>;  // per CPU: blimit of its last rcu_batch_start
using Build = std::optional<ft::RcuFields> (*)(const Recorded&, const TraceRecorder&, Bl& bl);

ft::RcuPtr ptr(Addr a) { return {a, {}}; }
std::string rcu() { return std::string(kRcuName); }

}  // namespace

// An Ev's tracepoint: how its fields print, and its call site's state in v6.6
// (kernel/rcu/tree.c): irqs off, locks (preempt depth) held.
struct FtraceMap::Row {
  std::string_view ev;
  Build build;  // nullptr: softirq_entry/exit (irq events, not RCU)
  bool irqs_off;
  unsigned locks;
};

namespace {

using Row = FtraceMap::Row;

std::optional<ft::RcuFields> grace_period(const Recorded& r, const TraceRecorder& rec, Bl&) {
  return ft::GracePeriod{rcu(), r.gp, rec.text(r.text)};
}
std::optional<ft::RcuFields> gp_init(const Recorded& r, const TraceRecorder&, Bl&) {
  return ft::GracePeriodInit{rcu(), r.gp, static_cast<unsigned>(r.level), r.grplo, r.grphi,
                             r.qsmask};
}
std::optional<ft::RcuFields> qs_report(const Recorded& r, const TraceRecorder&, Bl&) {
  return ft::QuiescentStateReport{rcu(), r.gp, r.mask, r.qsmask, static_cast<unsigned>(r.level),
                                  r.grplo, r.grphi, 0};
}
// rcu_fqs: the CPU checked is in count (the emitting CPU when absent).
std::optional<ft::RcuFields> fqs(const Recorded& r, const TraceRecorder& rec, Bl&) {
  return ft::Fqs{rcu(), r.gp, r.count >= 0 ? static_cast<int>(r.count) : r.cpu, rec.text(r.text)};
}
std::optional<ft::RcuFields> callback(const Recorded& r, const TraceRecorder& rec, Bl&) {
  return ft::Callback{rcu(), ptr(r.head), rec.symbol(r), r.qlen};
}
std::optional<ft::RcuFields> kvfree(const Recorded& r, const TraceRecorder&, Bl&) {
  return ft::KvfreeCallback{rcu(), ptr(r.head), static_cast<std::int64_t>(r.func), r.qlen};
}
std::optional<ft::RcuFields> batch_start(const Recorded& r, const TraceRecorder&, Bl& bl) {
  bl[static_cast<std::size_t>(r.cpu)] = r.count;
  return ft::BatchStart{rcu(), r.qlen, r.count};
}
std::optional<ft::RcuFields> invoke(const Recorded& r, const TraceRecorder& rec, Bl&) {
  return ft::InvokeCallback{rcu(), ptr(r.head), rec.symbol(r)};
}
std::optional<ft::RcuFields> invoke_kvfree(const Recorded& r, const TraceRecorder&, Bl&) {
  return ft::InvokeKvfreeCallback{rcu(), ptr(r.head), static_cast<std::int64_t>(r.func)};
}
// "idle=%c%c%c%c": callbacks left ready (the batch stopped at its limit with more queued),
// need_resched(), the idle task, an rcuc kthread (never here).
std::optional<ft::RcuFields> batch_end(const Recorded& r, const TraceRecorder&, Bl& bl) {
  const std::int64_t limit = bl[static_cast<std::size_t>(r.cpu)];
  std::string idle = "....";
  if (limit > 0 && r.count >= limit && r.qlen > 0) idle[0] = 'C';
  if (r.ctx.need_resched) idle[1] = 'S';
  if (r.ctx.task == TaskKind::idle) idle[2] = 'I';
  return ft::BatchEnd{rcu(), static_cast<int>(r.count), idle};
}
// v6.6 phases (Begin ... Inc2, count = remaining, gp = barrier_sequence, qlen = cpu); the
// 2.6.27 model's start and done print as the first and last of them.
std::optional<ft::RcuFields> barrier(const Recorded& r, const TraceRecorder& rec, Bl&) {
  const std::string& s = rec.text(r.text);
  if (s == "start" || s == "done")
    return ft::Barrier{rcu(), s == "start" ? "Begin" : "Inc2", -1, 0, static_cast<std::uint64_t>(r.gp)};
  return ft::Barrier{rcu(), s, static_cast<int>(r.qlen), static_cast<int>(std::max<std::int64_t>(r.count, 0)),
                     static_cast<std::uint64_t>(r.gp)};
}

// Every Ev that is a kernel tracepoint, by its name (to_string(Ev)). Call sites, v6.6:
// __call_rcu_common() traces with irqs off; rcu_do_batch() traces batch start and end under
// rcu_nocb_lock_irqsave(), the invocations with irqs on; grace-period and rcu_node events
// come under a raw_spin_lock_irqsave_rcu_node(); __do_softirq() traces with irqs on.
constexpr Row kRows[] = {
    {"rcu_grace_period", grace_period, true, 1},
    {"rcu_grace_period_init", gp_init, true, 1},
    {"rcu_quiescent_state_report", qs_report, true, 1},
    {"rcu_fqs", fqs, true, 1},
    {"rcu_callback", callback, true, 0},
    {"rcu_kvfree_callback", kvfree, true, 0},
    {"rcu_kfree_callback", kvfree, true, 0},  // the name before v5.6 (commit c408b215f58f)
    {"rcu_batch_start", batch_start, true, 0},
    {"rcu_invoke_callback", invoke, false, 0},
    {"rcu_invoke_kvfree_callback", invoke_kvfree, false, 0},
    {"rcu_invoke_kfree_callback", invoke_kvfree, false, 0},
    {"rcu_batch_end", batch_end, true, 0},
    {"rcu_barrier", barrier, false, 0},
    {"softirq_entry", nullptr, false, 0},
    {"softirq_exit", nullptr, false, 0},
};

}  // namespace

FtraceMap::FtraceMap(const TraceRecorder& rec)
    : rec_(rec), rows_(static_cast<std::size_t>(Ev::count), nullptr),
      bl_(static_cast<std::size_t>(rec.kernel().machine.cpus), 0) {
  for (std::size_t i = 0; i < rows_.size(); ++i)
    for (const Row& row : kRows)
      if (row.ev == to_string(static_cast<Ev>(i))) rows_[i] = &row;
}

std::optional<FtraceText> FtraceMap::text(const Recorded& r) {
  const Row* row = rows_[static_cast<std::size_t>(r.ev)];
  if (!row) return std::nullopt;
  if (!row->build)  // TP_printk("vec=%u [action=%s]"), include/trace/events/irq.h
    return FtraceText{std::string(row->ev), fmt::format("vec={} [action=RCU]", kRcuSoftirq)};
  const auto f = row->build(r, rec_, bl_);
  if (!f) return std::nullopt;
  return FtraceText{std::string(ft::event_name(*f)), ft::format_fields(*f)};
}

// trace_print_lat_fmt(), kernel/trace/trace_output.c, v6.6.
std::string FtraceMap::flags(const Recorded& r) const {
  const Row& row = *rows_[static_cast<std::size_t>(r.ev)];
  const EventCtx& c = r.ctx;
  const bool irqs_off = row.irqs_off || c.hardirq;
  ft::LatFlags f;
  f.irqs_off = irqs_off && c.bh_off ? 'D' : irqs_off ? 'd' : c.bh_off ? 'b' : '.';
  f.need_resched = c.need_resched ? 'N' : '.';
  f.hardsoft_irq = c.hardirq && c.softirq ? 'H' : c.hardirq ? 'h' : c.softirq ? 's' : '.';
  f.preempt_depth = row.locks + (c.preempt_off ? 1 : 0);
  return ft::format_lat_flags(f);
}

void write_ftrace(std::ostream& os, const TraceRecorder& rec, const RecordedTrace& t) {
  FtraceMap map(rec);
  const ft::TimeUnit unit = rec.options().ns_times ? ft::TimeUnit::ns : ft::TimeUnit::us;
  const Frequency& freq = rec.kernel().freq;
  std::uint64_t entries = 0;
  for (const Recorded& r : t.events) entries += map.has(r.ev);
  // entries-written counts what the cap refused too, as the ring buffer's overrun does.
  os << ft::format_header(entries, entries + t.dropped, rec.kernel().ncpus());
  for (const Recorded& r : t.events) {
    auto text = map.text(r);
    if (!text) continue;
    auto [comm, pid] = rec.comm_pid(r);
    const ft::FtraceLine line{std::move(comm), pid, r.cpu, map.flags(r),
                              freq.to_ns(Cycles{r.time}), std::move(text->event),
                              std::move(text->fields)};
    os << ft::format_raw_line(line, unit) << '\n';
  }
}

}  // namespace rcusim

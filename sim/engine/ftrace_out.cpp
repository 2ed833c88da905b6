#include "sim/engine/ftrace_out.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <vector>

#include "sim/trace/ftrace_format.hpp"

namespace rcusim {
namespace ft = ftrace;

using Build = ft::RcuFields (*)(const Recorded&, const FtraceArgs&);

struct FtraceRow {
  std::string_view ev;
  Build build;  // nullptr: softirq_entry/exit (irq events, not RCU)
  bool irqs_off;
  unsigned locks;       // preempt depth the call site adds
  bool names_function;  // needs FtraceArgs::symbol
};

namespace {

// The flavour's rcu_state.name: v6.6 names it rcu_sched on a non-preemptible kernel, which is
// what both modelled flavours are.
constexpr std::string_view kRcuName = "rcu_sched";
constexpr unsigned kRcuSoftirq = 9;  // RCU_SOFTIRQ, include/linux/interrupt.h, v6.6

ft::RcuPtr ptr(Addr a) { return {a, {}}; }
std::string rcu() { return std::string(kRcuName); }

ft::RcuFields grace_period(const Recorded& r, const FtraceArgs& a) {
  return ft::GracePeriod{rcu(), r.gp, std::string(a.detail)};
}
ft::RcuFields gp_init(const Recorded& r, const FtraceArgs&) {
  return ft::GracePeriodInit{rcu(),   r.gp,    static_cast<unsigned>(r.level),
                             r.grplo, r.grphi, r.qsmask};
}
ft::RcuFields qs_report(const Recorded& r, const FtraceArgs&) {
  return ft::QuiescentStateReport{
      rcu(), r.gp, r.mask, r.qsmask, static_cast<unsigned>(r.level), r.grplo, r.grphi, 0};
}
// rcu_fqs: the CPU checked is in count (the emitting CPU when absent).
ft::RcuFields fqs(const Recorded& r, const FtraceArgs& a) {
  return ft::Fqs{rcu(), r.gp, r.count >= 0 ? static_cast<int>(r.count) : r.cpu,
                 std::string(a.detail)};
}
ft::RcuFields callback(const Recorded& r, const FtraceArgs& a) {
  return ft::Callback{rcu(), ptr(r.head), a.symbol, r.qlen};
}
ft::RcuFields kvfree(const Recorded& r, const FtraceArgs&) {
  return ft::KvfreeCallback{rcu(), ptr(r.head), static_cast<std::int64_t>(r.func), r.qlen};
}
ft::RcuFields batch_start(const Recorded& r, const FtraceArgs& a) {
  *a.bl = r.count;
  return ft::BatchStart{rcu(), r.qlen, r.count};
}
ft::RcuFields invoke(const Recorded& r, const FtraceArgs& a) {
  return ft::InvokeCallback{rcu(), ptr(r.head), a.symbol};
}
ft::RcuFields invoke_kvfree(const Recorded& r, const FtraceArgs&) {
  return ft::InvokeKvfreeCallback{rcu(), ptr(r.head), static_cast<std::int64_t>(r.func)};
}
// "idle=%c%c%c%c": callbacks left ready (the batch stopped at its limit with more queued),
// need_resched(), the idle task, an rcuc kthread (never here).
ft::RcuFields batch_end(const Recorded& r, const FtraceArgs& a) {
  std::string idle = "....";
  if (*a.bl > 0 && r.count >= *a.bl && r.qlen > 0) idle[0] = 'C';
  if (r.ctx.need_resched) idle[1] = 'S';
  if (r.ctx.task == TaskKind::idle) idle[2] = 'I';
  return ft::BatchEnd{rcu(), static_cast<int>(r.count), idle};
}
// v6.6 phases (Begin ... Inc2; count = remaining, gp = barrier_sequence, qlen = cpu); the
// 2.6.27 model's start and done print as the first and the last of them.
ft::RcuFields barrier(const Recorded& r, const FtraceArgs& a) {
  if (a.detail == "start" || a.detail == "done")
    return ft::Barrier{rcu(), a.detail == "start" ? "Begin" : "Inc2", -1, 0,
                       static_cast<std::uint64_t>(r.gp)};
  return ft::Barrier{rcu(), std::string(a.detail), static_cast<int>(r.qlen),
                     static_cast<int>(std::max<std::int64_t>(r.count, 0)),
                     static_cast<std::uint64_t>(r.gp)};
}

// Every Ev that is a kernel tracepoint, by name. Call sites, v6.6 (kernel/rcu/tree.c):
// __call_rcu_common() traces with irqs off; rcu_do_batch() traces batch start and end under
// rcu_nocb_lock_irqsave(), the invocations with irqs on; grace-period and rcu_node events
// come under raw_spin_lock_irqsave_rcu_node(); __do_softirq() (kernel/softirq.c) traces with
// irqs on.
constexpr FtraceRow kRows[] = {
    {"rcu_grace_period", grace_period, true, 1, false},
    {"rcu_grace_period_init", gp_init, true, 1, false},
    {"rcu_quiescent_state_report", qs_report, true, 1, false},
    {"rcu_fqs", fqs, true, 1, false},
    {"rcu_callback", callback, true, 0, true},
    {"rcu_kvfree_callback", kvfree, true, 0, false},
    {"rcu_kfree_callback", kvfree, true, 0, false},  // the name before v5.6 (c408b215f58f)
    {"rcu_batch_start", batch_start, true, 0, false},
    {"rcu_invoke_callback", invoke, false, 0, true},
    {"rcu_invoke_kvfree_callback", invoke_kvfree, false, 0, false},
    {"rcu_invoke_kfree_callback", invoke_kvfree, false, 0, false},
    {"rcu_batch_end", batch_end, true, 0, false},
    {"rcu_barrier", barrier, false, 0, false},
    {"softirq_entry", nullptr, false, 0, false},
    {"softirq_exit", nullptr, false, 0, false},
};

}  // namespace

const FtraceRow* ftrace_row(std::string_view ev_name) {
  for (const FtraceRow& row : kRows)
    if (row.ev == ev_name) return &row;
  return nullptr;
}

FtraceText ftrace_text(const FtraceRow& row, const Recorded& r, const FtraceArgs& a) {
  if (!row.build)  // TP_printk("vec=%u [action=%s]"), include/trace/events/irq.h
    return {std::string(row.ev), fmt::format("vec={} [action=RCU]", kRcuSoftirq)};
  const ft::RcuFields f = row.build(r, a);
  return {std::string(ft::event_name(f)), ft::format_fields(f)};
}

// trace_print_lat_fmt(), kernel/trace/trace_output.c, v6.6.
std::string ftrace_flags(const FtraceRow& row, const EventCtx& c) {
  const bool irqs_off = row.irqs_off || c.hardirq;
  ft::LatFlags f;
  f.irqs_off = irqs_off && c.bh_off ? 'D' : irqs_off ? 'd' : c.bh_off ? 'b' : '.';
  f.need_resched = c.need_resched ? 'N' : '.';
  f.hardsoft_irq = c.hardirq && c.softirq ? 'H' : c.hardirq ? 'h' : c.softirq ? 's' : '.';
  f.preempt_depth = row.locks + (c.preempt_off ? 1 : 0);
  return ft::format_lat_flags(f);
}

void write_ftrace(std::ostream& os, const TraceRecorder& rec, const RecordedTrace& t) {
  std::vector<const FtraceRow*> rows(static_cast<std::size_t>(Ev::count));
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = ftrace_row(to_string(static_cast<Ev>(i)));
  const auto row_of = [&](const Recorded& r) { return rows[static_cast<std::size_t>(r.ev)]; };
  std::vector<std::int64_t> bl(static_cast<std::size_t>(rec.kernel().ncpus()), 0);
  const ft::TimeUnit unit = rec.options().ns_times ? ft::TimeUnit::ns : ft::TimeUnit::us;
  const Frequency& freq = rec.kernel().freq;
  const auto entries = static_cast<std::uint64_t>(std::count_if(
      t.events.begin(), t.events.end(), [&](const Recorded& r) { return row_of(r); }));
  // entries-written counts what the cap refused too, as the ring buffer's overrun does.
  os << ft::format_header(entries, entries + t.dropped, rec.kernel().ncpus());
  for (const Recorded& r : t.events) {
    const FtraceRow* row = row_of(r);
    if (!row) continue;
    const FtraceArgs args{rec.text(r.text), row->names_function ? rec.symbol(r) : std::string(),
                          &bl[static_cast<std::size_t>(r.cpu)]};
    FtraceText text = ftrace_text(*row, r, args);
    auto [comm, pid] = rec.comm_pid(r);
    const ft::FtraceLine line{std::move(comm),
                              pid,
                              r.cpu,
                              ftrace_flags(*row, r.ctx),
                              freq.to_ns(Cycles{r.time}),
                              std::move(text.event),
                              std::move(text.fields)};
    os << ft::format_raw_line(line, unit) << '\n';
  }
}

}  // namespace rcusim

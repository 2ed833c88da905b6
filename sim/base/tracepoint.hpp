// The one event hook. A model reports each event once, named after the kernel's RCU tracepoints
// (include/trace/events/rcu.h) or, for what the kernel does not trace, after what happened; the
// sinks that want events subscribe: the event log (events.csv), the printed timeline of scripted
// runs, the script triggers (`after = "invoked:a"`) and the trace writers (trace.txt,
// trace.json). With no subscriber an event costs one test, as a disabled tracepoint does.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/base/units.hpp"

namespace rcusim {

// Names and fields as include/trace/events/rcu.h of Linux v6.6 prints them (the 2.6.27 flavour
// emits the subset it passes through under the same names).
enum class Ev : std::uint8_t {
  rcu_grace_period,                // gp, detail: start | cpuqs | end | newreq | cpustart | ...
  rcu_callback,                    // call_rcu(): head, func, qlen
  rcu_kvfree_callback,             // kfree_rcu(): head, offset, qlen
  rcu_batch_start,                 // rcu_do_batch(): qlen (callbacks queued), count = blimit / bl
  rcu_invoke_callback,             // head, func
  rcu_invoke_kvfree_callback,      // head, offset
  rcu_invoke_kfree_bulk_callback,  // head = the page of pointers, count = nr_records
  rcu_batch_end,                   // count invoked, qlen left
  rcu_grace_period_init,           // gp, level, grplo, grphi, qsmask of one rcu_node
  rcu_quiescent_state_report,      // gp, mask > qsmask, level, grplo, grphi of one rcu_node
  rcu_fqs,                         // gp (rdp->gp_seq), count = the CPU reported, detail: dti
  rcu_donelist,  // callbacks became ready (gp = batch or rnp->gp_seq; list = the first of them;
                 // count = how many, -1 = to the end of the list)
  rcu_force_qs,  // 2.6.27's force_quiescent_state(): qhimark exceeded
  ksoftirqd,     // softirq work deferred to / run by ksoftirqd
  workqueue_execute_start,  // a kworker calls a work function: func, detail = its name
  // 2.6.27: detail start | done (count = latency, ns). v6.6: detail Begin | Inc1 | NQ | OnlineQ |
  // IRQ | IRQNQ | CB | LastCB | Inc2 | EarlyExit, count = remaining, gp = # (barrier_sequence),
  // qlen = the tracepoint's cpu argument (-1: none).
  rcu_barrier,
  module_load,    // detail: module name
  module_unload,  // detail: module name
  busy,           // detail: start | end (scripted busy periods)
  use_after_free,
  oops,
  bug,
  note,  // free text for the timeline (a script's step, a console line); not a tracepoint
  // The execution context, for the trace writers (trace.txt, trace.json) only; the default
  // subscription leaves them out (kContextEvents), so events.csv never has them.
  softirq_entry,  // irq:softirq_entry, vec 9 (RCU_SOFTIRQ): one __do_softirq() pass begins
  softirq_exit,   // irq:softirq_exit: the pass ends
  read_lock,      // rcu_read_lock(): a read-side critical section begins
  read_unlock,    // rcu_read_unlock(): it ends
  kthread_begin,  // a kthread starts running on this CPU; detail: its name ("ksoftirqd")
  kthread_end,    // it stops; detail: its name
  count
};
std::string_view to_string(Ev e);

struct TraceEvent {
  std::int64_t time;  // cycles
  std::int32_t cpu;
  Ev ev;
  std::int64_t gp = 0;
  Addr head = 0;
  Addr func = 0;  // function address, or the decoded offset for kfree events
  std::int64_t qlen = -1;
  std::int64_t count = -1;
  std::string_view detail = {};  // valid during the call only: a sink keeps a copy
  Addr list = 0;                 // rcu_donelist: the moved list's first rcu_head
  // Tree RCU's node events (rcu_grace_period_init, rcu_quiescent_state_report, rcu_fqs).
  std::int32_t level = -1, grplo = -1, grphi = -1;
  std::uint64_t mask = 0, qsmask = 0;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const TraceEvent& e) = 0;
};

// Which kinds a sink takes: one bit per Ev.
using EvMask = std::uint64_t;
static_assert(static_cast<unsigned>(Ev::count) <= 64);
constexpr EvMask ev_bit(Ev e) { return EvMask{1} << static_cast<unsigned>(e); }
inline constexpr EvMask kAllEvents = ev_bit(Ev::count) - 1;
inline constexpr EvMask kContextEvents = ev_bit(Ev::softirq_entry) | ev_bit(Ev::softirq_exit) |
                                         ev_bit(Ev::read_lock) | ev_bit(Ev::read_unlock) |
                                         ev_bit(Ev::kthread_begin) | ev_bit(Ev::kthread_end);
inline constexpr EvMask kDefaultEvents = kAllEvents & ~kContextEvents;

class Tracepoints {
 public:
  void subscribe(EventSink& s, EvMask kinds = kDefaultEvents) {
    sinks_.push_back({&s, kinds});
    listened_ |= kinds;
  }
  // Whether anything listens (to kind e): a caller skips work done only to fill an event.
  bool enabled() const { return listened_ != 0; }
  bool enabled(Ev e) const { return (listened_ & ev_bit(e)) != 0; }
  void emit(const TraceEvent& e) const {
    for (const Sub& s : sinks_)
      if (s.kinds & ev_bit(e.ev)) s.sink->on_event(e);
  }

 private:
  struct Sub {
    EventSink* sink;
    EvMask kinds;
  };
  std::vector<Sub> sinks_;
  EvMask listened_ = 0;
};

}  // namespace rcusim

// The one event hook. A model reports each event once, named after the kernel's RCU tracepoints
// (include/trace/events/rcu.h) or, for what the kernel does not trace, after what happened; the
// sinks that want events subscribe: the event log (events.csv), the printed timeline of scripted
// runs and the script triggers (`after = "invoked:a"`). With no subscriber an event costs one
// test, as a disabled tracepoint does.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/base/units.hpp"

namespace rcusim {

// Names and fields as include/trace/events/rcu.h of Linux v6.6 prints them (the 2.6.27 flavour
// emits the subset it passes through under the same names).
enum class Ev : std::uint8_t {
  rcu_grace_period,            // gp, detail: start | cpuqs | end | newreq | cpustart | ...
  rcu_callback,                // call_rcu(): head, func, qlen
  rcu_kvfree_callback,         // kfree_rcu(): head, offset, qlen
  rcu_batch_start,             // rcu_do_batch(): qlen (callbacks queued), count = blimit / bl
  rcu_invoke_callback,         // head, func
  rcu_invoke_kvfree_callback,  // head, offset
  rcu_batch_end,               // count invoked, qlen left
  rcu_grace_period_init,       // gp, level, grplo, grphi, qsmask of one rcu_node
  rcu_quiescent_state_report,  // gp, mask > qsmask, level, grplo, grphi of one rcu_node
  rcu_fqs,                     // gp (rdp->gp_seq), count = the CPU reported, detail: dti
  rcu_donelist,  // callbacks became ready (gp = batch or rnp->gp_seq; list = the first of them;
                 // count = how many, -1 = to the end of the list)
  rcu_force_qs,  // 2.6.27's force_quiescent_state(): qhimark exceeded
  ksoftirqd,                  // softirq work deferred to / run by ksoftirqd
  // 2.6.27: detail start | done (count = latency, ns). v6.6: detail Begin | Inc1 | NQ | OnlineQ |
  // IRQ | IRQNQ | CB | LastCB | Inc2 | EarlyExit, count = remaining, gp = # (barrier_sequence),
  // qlen = the tracepoint's cpu argument (-1: none).
  rcu_barrier,
  module_load,                // detail: module name
  module_unload,              // detail: module name
  busy,                       // detail: start | end (scripted busy periods)
  use_after_free,
  oops,
  bug,
  note,  // free text for the timeline (a script's step, a console line); not a tracepoint
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

class Tracepoints {
 public:
  void subscribe(EventSink& s) { sinks_.push_back(&s); }
  // Whether anything listens: a caller skips work done only to fill an event.
  bool enabled() const { return !sinks_.empty(); }
  void emit(const TraceEvent& e) const {
    for (EventSink* s : sinks_) s->on_event(e);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace rcusim

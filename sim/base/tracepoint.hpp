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

enum class Ev : std::uint8_t {
  rcu_grace_period,           // detail: start | cpuqs | end
  rcu_callback,               // call_rcu(): head, func, qlen
  rcu_kfree_callback,         // kfree_rcu(): head, offset, qlen
  rcu_batch_start,            // rcu_do_batch(): qlen, blimit
  rcu_invoke_callback,        // head, func
  rcu_invoke_kfree_callback,  // head, offset
  rcu_invoke_kfree_bulk_callback,  // head = the page of pointers, count = nr_records
  rcu_batch_end,              // count invoked
  rcu_donelist,               // curlist moved to donelist (gp = batch; list = its first rcu_head)
  rcu_force_qs,               // force_quiescent_state(): qhimark exceeded
  ksoftirqd,                  // softirq work deferred to / run by ksoftirqd
  workqueue_execute_start,    // a kworker calls a work function: func, detail = its name
  rcu_barrier,                // detail: start | done (latency in count, ns)
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

// rcu_do_batch(): invoke the callbacks whose grace period has ended. kernel/rcu/tree.c, v6.6.
#include <algorithm>

#include "models/kernel/kernel.hpp"
#include "models/rcu/callback_cost.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/rcu/tree/tree.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim::tree {

long rcu_do_batch_limit(long blimit, long ready, long rcu_divisor) {
  const long div = rcu_divisor < 0 ? 7 : std::min<long>(rcu_divisor, sizeof(long) * 8 - 2);
  return std::max(blimit, ready >> div);
}

// bl = max(blimit, DONE >> rcu_divisor) callbacks; in softirq it stops there once the CPU has
// something else to do (need_resched(), or a task that is not the idle task), or, when bl > 100,
// once rcu_resched_ns have passed (local_clock() read every 32 callbacks). Leftovers go back to
// the front of RCU_DONE_TAIL; blimit comes back once the queue drains to qlowmark. rcu_core()
// raises the softirq again while callbacks are ready. Each callback is dispatched by
// __rcu_reclaim() (models/reclaim) and charged its figures (CallbackCost) as the 2.6.27 flavour
// does; the v6.6 loop's "rhp->func = 0" before the call is left out, since the dispatch reads it.
void TreeRcu::rcu_do_batch(Cpu& cpu, rcu_data& r) {
  rcu_segcblist& l = r.cblist;
  cpu.fetch(k_.text.rcu_do_batch);
  if (!rcu_segcblist_ready_cbs(l)) {
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_batch_start, 0, 0, 0, l.len, 0});
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_batch_end, 0, 0, 0, l.len, 0});
    return;
  }
  const long bl =
      rcu_do_batch_limit(r.blimit, rcu_segcblist_get_seglen(l, RCU_DONE_TAIL), cfg_.rcu_divisor);
  const bool in_softirq = cpu.in_softirq();
  const Cycles tlimit = in_softirq && bl > 100 ? cpu.now() + rcu_resched_ : Cycles{0};
  k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_batch_start, 0, 0, 0, l.len, bl});
  rcu_cblist rcl;
  rcu_segcblist_extract_done_cbs(k_.heap, l, rcl);
  CallbackCost cost(k_, cpu);
  long count = 0;
  while (const Addr rhp = rcl.head) {
    cpu.charge(k_.costs.do_batch);
    cpu.read(rhp + kRcuHeadNext, 8, MemClass::rcu_head);  // rcu_cblist_dequeue(): rhp->next
    rcu_cblist_dequeue(k_.heap, rcl);
    if (rcl.head) {  // for the host: the next rcu_head arrives while this callback runs
      k_.heap.prefetch(rcl.head);
      cpu.expect(rcl.head);
    }
    ++count;
    cost.charge(k_.reclaim->rcu_reclaim(cpu, rhp));  // f(rhp)
    if (rcl.head) k_.heap.prefetch_meta(rcl.head);
    if (k_.stopped()) break;
    if (!in_softirq) continue;  // always in softirq here: rcuc kthreads are not modelled
    if (count >= bl && (cpu.need_resched() || cpu.ctx() != TaskCtx::idle)) break;
    if (tlimit.v && (count & 31) == 0 && cpu.now() >= tlimit) break;  // rcu_do_batch_check_time()
  }
  k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_batch_end, 0, 0, 0, l.len - count, count});
  if (rcl.head) cpu.write(rcl.tail + kRcuHeadNext, 8, MemClass::rcu_head);
  rcu_segcblist_insert_done_cbs(k_.heap, l, rcl);
  rcu_segcblist_add_len(l, -count);
  qlen_total_ -= count;
  const long left = rcu_segcblist_n_cbs(l);
  if (r.blimit >= DEFAULT_MAX_RCU_BLIMIT && left <= cfg_.qlowmark) r.blimit = cfg_.blimit;
  if (left == 0 && r.qlen_last_fqs_check != 0) {  // reset the qhimark trigger once drained
    r.qlen_last_fqs_check = 0;
    r.n_force_qs_snap = rsp_.n_force_qs;
  } else if (left < r.qlen_last_fqs_check - cfg_.qhimark) {
    r.qlen_last_fqs_check = left;
  }
}

}  // namespace rcusim::tree

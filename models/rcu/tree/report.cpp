// Quiescent-state reports walking up the rcu_node tree: rcu_report_qs_rdp(), rcu_report_qs_rnp(),
// rcu_report_qs_rsp() and the kthread's wake-up. kernel/rcu/tree.c, Linux v6.6.
#include "models/kernel/kernel.hpp"
#include "models/rcu/tree/tree.hpp"

namespace rcusim::tree {

// rcu_report_qs_rdp(): this CPU's quiescent state, if it belongs to the current grace period.
void TreeRcu::rcu_report_qs_rdp(Cpu& cpu, rcu_data& r) {
  rcu_node& rnp = mynode(r);
  lock(cpu, rnp);
  if (r.cpu_no_qs_norm || r.gp_seq != rnp.gp_seq || r.gpwrap) {
    r.cpu_no_qs_norm = true;  // that grace period ended: need a QS for the new one
    return unlock(cpu, rnp);
  }
  const std::uint64_t mask = r.grpmask;
  r.core_needs_qs = false;
  if ((rnp.qsmask & mask) == 0) return unlock(cpu, rnp);
  // The grace period cannot end before this report, so accelerating cannot need a wake-up.
  rcu_accelerate_cbs(cpu, rnp, r);
  rcu_disable_urgency_upon_qs(r);
  ++cpu.stats().quiescent_states;
  rcu_report_qs_rnp(cpu, mask, &rnp, rnp.gp_seq);
}

void TreeRcu::rcu_disable_urgency_upon_qs(rcu_data& r) {
  r.rcu_urgent_qs = false;
  r.rcu_need_heavy_qs = false;
}

// rcu_report_qs_rnp(): clear `mask` in rnp->qsmask; a node left empty reports its own bit to its
// parent, under the parent's lock, up to the root. Caller holds rnp->lock; released on return.
void TreeRcu::rcu_report_qs_rnp(Cpu& cpu, std::uint64_t mask, rcu_node* rnp, std::uint64_t gps) {
  RCUSIM_ASSERT_HELD(cpu, rnp->lock);
  for (;;) {
    if ((!(rnp->qsmask & mask) && mask) || rnp->gp_seq != gps)
      return unlock(cpu, *rnp);  // already reported, or that grace period is over
    clear_qs(*rnp, mask);
    trace_node(cpu, Ev::rcu_quiescent_state_report, *rnp, mask);
    if (rnp->qsmask != 0) return unlock(cpu, *rnp);  // other bits still set at this level
    rnp->completedqs = rnp->gp_seq;
    mask = rnp->grpmask;
    if (rnp->parent < 0) break;  // at the root, holding its lock
    unlock(cpu, *rnp);
    rnp = &rsp_.node[static_cast<std::size_t>(rnp->parent)];
    lock(cpu, *rnp);
  }
  rcu_report_qs_rsp(cpu);
}

// rcu_report_qs_rsp(): the last quiescent state; the kthread cleans up. Releases the root lock.
void TreeRcu::rcu_report_qs_rsp(Cpu& cpu) {
  RCUSIM_ASSERT_HELD(cpu, root().lock);
  rsp_.gp_flags |= RCU_GP_FLAG_FQS;
  unlock(cpu, root());
  rcu_gp_kthread_wake(cpu);
}

// rcu_gp_kthread_wake(): not from the kthread itself, and only if it has something to do.
void TreeRcu::rcu_gp_kthread_wake(Cpu& cpu) {
  if (&cpu == kt_.get() || !rsp_.gp_flags) return;
  cpu.sync();  // swake_up_one() at this CPU's time
  kt_->kick();
}

}  // namespace rcusim::tree

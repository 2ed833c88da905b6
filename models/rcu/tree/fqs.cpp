// Forcing quiescent states: rcu_gp_fqs(), force_qs_rnp() with dyntick_save_progress_counter()
// and rcu_implicit_dynticks_qs(), and call_rcu()'s rcu_force_quiescent_state().
// kernel/rcu/tree.c, Linux v6.6. (The kthread's loop around them is in fqs_loop.cpp.)
#include "models/kernel/jiffies.hpp"
#include "models/kernel/kernel.hpp"
#include "models/rcu/tree/tree.hpp"

namespace rcusim::tree {

// rcu_gp_fqs(): the first pass snapshots every holdout's dynticks counter (idle CPUs are done),
// later ones credit CPUs that have been idle since.
void TreeRcu::rcu_gp_fqs(bool first_time) {
  Cpu& kt = *kt_;
  ++rsp_.n_force_qs;
  if (first_time)
    force_qs_rnp([this](rcu_data& r) { return dyntick_save_progress_counter(r); });
  else
    force_qs_rnp([this](rcu_data& r) { return rcu_implicit_dynticks_qs(r); });
  if (rsp_.gp_flags & RCU_GP_FLAG_FQS) {  // clear it to prevent immediate re-entry
    lock(kt, root());
    rsp_.gp_flags &= ~RCU_GP_FLAG_FQS;
    unlock(kt, root());
  }
}

// force_qs_rnp(f): each leaf under its lock; f() looks at every CPU the leaf still waits for;
// those it credits are reported together (rcu_report_qs_rnp() releases the lock).
template <class F>
void TreeRcu::force_qs_rnp(F f) {
  Cpu& kt = *kt_;
  rsp_.cbovld = rsp_.cbovldnext;
  rsp_.cbovldnext = false;
  for (int n = rsp_.geo.first_leaf(); n < rsp_.geo.rcu_num_nodes; ++n) {
    rcu_node& rnp = rsp_.node[static_cast<std::size_t>(n)];
    std::uint64_t mask = 0;
    lock(kt, rnp);
    rsp_.cbovldnext |= rnp.cbovldmask != 0;
    if (rnp.qsmask == 0) {
      unlock(kt, rnp);
      continue;
    }
    for (int c = rnp.grplo; c <= rnp.grphi; ++c) {  // for_each_leaf_node_cpu_mask()
      rcu_data& r = data_[static_cast<std::size_t>(c)];
      if (!(rnp.qsmask & r.grpmask)) continue;
      kt.charge(k_.costs.fqs_cpu);
      if (f(r)) {
        mask |= r.grpmask;
        rcu_disable_urgency_upon_qs(r);
        ++k_.cpu(c).stats().quiescent_states;
      }
    }
    if (mask)
      rcu_report_qs_rnp(kt, mask, &rnp, rnp.gp_seq);  // idle CPUs
    else
      unlock(kt, rnp);
  }
}

// Both dyntick checks, on finding the CPU idle (now or since the snapshot): trace_rcu_fqs()
// "dti", then rcu_gpnum_ovf().
void TreeRcu::rcu_fqs_dti(rcu_data& r) {
  k_.tp.emit({.time = kt_->now().v,
              .cpu = kt_->id(),
              .ev = Ev::rcu_fqs,
              .gp = gp_seq_signed(r.gp_seq),
              .count = r.cpu,
              .detail = "dti"});
  rcu_gpnum_ovf(mynode(r), r);
}

// dyntick_save_progress_counter(): snapshot; a CPU idle right now is in a quiescent state. The
// kthread's own CPU, idle between the kthread's bursts, counts as idle here; the kernel reports
// it at the same moment from the timer tick that wakes the kthread out of that idle.
bool TreeRcu::dyntick_save_progress_counter(rcu_data& r) {
  r.dynticks_snap = k_.cpu(r.cpu).dynticks();
  if (r.dynticks_snap & 1) return false;
  rcu_fqs_dti(r);
  return true;
}

// rcu_implicit_dynticks_qs(): idle since the snapshot is a quiescent state. Otherwise escalate:
// after jiffies_to_sched_qs ask the CPU for an urgent QS, after twice that a heavy one (a
// context switch then counts as an idle sojourn); past halfway to the stall warning, resched_cpu()
// every jiffies_to_sched_qs. (The nohz_full and irq-work branches do not apply.)
bool TreeRcu::rcu_implicit_dynticks_qs(rcu_data& r) {
  if (r.dynticks_snap != k_.cpu(r.cpu).dynticks()) {
    rcu_fqs_dti(r);
    return true;
  }
  const long jtsq = jiffies_to_sched_qs_, now = jiffies(*kt_);
  if (!r.rcu_need_heavy_qs && (time_after(now, rsp_.gp_start + jtsq * 2) ||
                               time_after(now, rsp_.jiffies_resched) || rsp_.cbovld)) {
    r.rcu_need_heavy_qs = true;
    r.rcu_urgent_qs = true;
  } else if (time_after(now, rsp_.gp_start + jtsq)) {
    r.rcu_urgent_qs = true;
  }
  if (time_after(now, rsp_.jiffies_resched) && time_after(now, r.last_fqs_resched + jtsq)) {
    kt_->send_resched_ipi(r.cpu);  // resched_cpu()
    r.last_fqs_resched = now;
  }
  return false;
}

// rcu_force_quiescent_state(): funnel up through the fqslocks (trylock, give up if another CPU
// holds one or a request is already pending), then set RCU_GP_FLAG_FQS and wake the kthread.
void TreeRcu::rcu_force_quiescent_state(Cpu& cpu) {
  rcu_node* rnp_old = nullptr;
  for (int n = rdp(cpu).mynode; n >= 0; n = rsp_.node[static_cast<std::size_t>(n)].parent) {
    rcu_node& rnp = rsp_.node[static_cast<std::size_t>(n)];
    const bool ret = (rsp_.gp_flags & RCU_GP_FLAG_FQS) || rnp.fqslock;
    if (!ret) rnp.fqslock = true;
    if (rnp_old) rnp_old->fqslock = false;
    if (ret) return;
    rnp_old = &rnp;
  }
  lock(cpu, root());  // rnp_old is the root
  rnp_old->fqslock = false;
  if (rsp_.gp_flags & RCU_GP_FLAG_FQS) return unlock(cpu, root());  // someone beat us to it
  rsp_.gp_flags |= RCU_GP_FLAG_FQS;
  unlock(cpu, root());
  rcu_gp_kthread_wake(cpu);
}

}  // namespace rcusim::tree

// The grace-period kthread: rcu_gp_kthread(), rcu_gp_init(), rcu_gp_cleanup() and the sleeps
// between them. kernel/rcu/tree.c, Linux v6.6. (rcu_gp_fqs_loop() is in fqs.cpp.)
#include <algorithm>

#include "models/kernel/kernel.hpp"
#include "models/rcu/tree/tree.hpp"

namespace rcusim::tree {

// The run is over: the kthread stops (its actor is a daemon the engine ends with the CPUs').
bool TreeRcu::kthread_over() const { return k_.stopped() || kt_->now() >= k_.drain_end; }

// swait_event_idle_timeout_exclusive(rcu_state.gp_wq, cond, deadline): sleep until `cond` or
// the deadline, re-checking on every wake-up. The cycles the kthread ran since it last woke go
// to its CPU (Cpu::kthread_ran()); waking costs it a context switch. False once the run is over.
bool TreeRcu::kthread_sleep(const std::function<bool()>& cond, Cycles deadline) {
  Cpu& kt = *kt_;
  if (cond()) return true;
  const Cycles ran = kt.now() - burst_start_;
  k_.cpu(kt.id()).kthread_ran(ran);
  k_.stats.gp_kthread_cycles += ran.v;
  if (k_.tp.enabled(Ev::kthread_end))
    k_.tp.emit({kt.now().v, kt.id(), Ev::kthread_end, 0, 0, 0, -1, -1, "rcu_sched"});
  deadline = std::min(deadline, k_.drain_end);
  do {
    kt.kthread_wait(deadline);
    if (kthread_over()) return false;
  } while (!cond() && kt.now() < deadline);
  burst_start_ = kt.now();
  if (k_.tp.enabled(Ev::kthread_begin))
    k_.tp.emit({kt.now().v, kt.id(), Ev::kthread_begin, 0, 0, 0, -1, -1, "rcu_sched"});
  kt.charge(k_.costs.context_switch);
  return true;
}

// rcu_gp_kthread(): wait for RCU_GP_FLAG_INIT, start the grace period, force quiescent states
// until it ends, clean up; forever.
void TreeRcu::rcu_gp_kthread() {
  burst_start_ = kt_->now();
  while (!kthread_over()) {
    for (;;) {  // Handle grace-period start.
      trace(*kt_, rsp_.gp_seq, "reqwait");
      rsp_.gp_state = RCU_GP_WAIT_GPS;
      if (!kthread_sleep([this] { return (rsp_.gp_flags & RCU_GP_FLAG_INIT) != 0; }, k_.drain_end))
        return;
      rsp_.gp_state = RCU_GP_DONE_GPS;
      if (rcu_gp_init()) break;
    }
    rcu_gp_fqs_loop();  // Handle quiescent-state forcing.
    if (kthread_over()) return;
    rsp_.gp_state = RCU_GP_CLEANUP;  // Handle grace-period end.
    rcu_gp_cleanup();
    rsp_.gp_state = RCU_GP_CLEANED;
  }
}

// rcu_gp_init(): start a grace period under the root's lock, then set every rcu_node's qsmask
// from qsmaskinit and its gp_seq, breadth first, one node's lock at a time; CPUs see the new
// grace period as their leaf is initialised. False for a spurious wake-up.
bool TreeRcu::rcu_gp_init() {
  Cpu& kt = *kt_;
  lock(kt, root());
  if (!rsp_.gp_flags) {
    unlock(kt, root());
    return false;
  }
  rsp_.gp_flags = 0;  // Clear all flags: New GP.
  if (rcu_gp_in_progress()) {
    unlock(kt, root());
    return false;
  }
  // record_gp_stall_check_time(): halfway to the stall warning, resched_cpu() joins in.
  rsp_.gp_start = jiffies(kt);
  rsp_.jiffies_resched = rsp_.gp_start + RCU_CPU_STALL_TIMEOUT * hz_ / 2;
  rcu_seq_start(rsp_.gp_seq);
  trace(kt, rsp_.gp_seq, "start");
  // rcu_poll_gp_seq_start(): the polled API's counter follows.
  if (!rcu_seq_state(rsp_.gp_seq_polled)) rcu_seq_start(rsp_.gp_seq_polled);
  rsp_.gp_seq_polled_snap = rsp_.gp_seq_polled;
  ++k_.stats.gp_started;
  rsp_.gp_start_cycles = kt.now();
  unlock(kt, root());
  // Apply buffered CPU-hotplug changes per leaf: every CPU stays online, so each leaf's
  // qsmaskinit already equals its qsmaskinitnext and the lock is taken for nothing.
  rsp_.gp_state = RCU_GP_ONOFF;
  for (int n = rsp_.geo.first_leaf(); n < rsp_.geo.rcu_num_nodes; ++n) {
    lock(kt, rsp_.node[static_cast<std::size_t>(n)]);
    unlock(kt, rsp_.node[static_cast<std::size_t>(n)]);
  }
  rsp_.gp_state = RCU_GP_INIT;
  rcu_data& r = rdp(kt);
  for (rcu_node& rnp : rsp_.node) {  // rcu_for_each_node_breadth_first()
    lock(kt, rnp);
    rnp.qsmask = rnp.qsmaskinit;
    rnp.gp_seq = rsp_.gp_seq;
    if (&rnp == &mynode(r)) note_gp_changes_locked(kt, rnp, r);
    trace_node(kt, Ev::rcu_grace_period_init, rnp, 0);
    unlock(kt, rnp);  // no offline CPU, so no quiescent state to report here
  }
  return true;
}

// rcu_future_gp_cleanup(): was another grace period requested through this node?
bool TreeRcu::rcu_future_gp_cleanup(rcu_node& rnp) {
  const bool needmore = ULONG_CMP_LT(rnp.gp_seq, rnp.gp_seq_needed);
  if (!needmore) rnp.gp_seq_needed = rnp.gp_seq;  // Avoid counter wrap.
  return needmore;
}

// rcu_gp_cleanup(): every rcu_node gets the end value breadth first (so CPUs can advance their
// callbacks), then rcu_state's gp_seq ends; a request recorded meanwhile sets INIT again.
void TreeRcu::rcu_gp_cleanup() {
  Cpu& kt = *kt_;
  lock(kt, root());
  if (rsp_.gp_seq_polled_snap && rsp_.gp_seq_polled_snap == rsp_.gp_seq_polled) {
    rcu_seq_end(rsp_.gp_seq_polled);  // rcu_poll_gp_seq_end()
    rsp_.gp_seq_polled_snap = 0;
  } else {
    rsp_.gp_seq_polled_snap = 0;
  }
  unlock(kt, root());
  std::uint64_t new_gp_seq = rsp_.gp_seq;
  rcu_seq_end(new_gp_seq);
  rcu_data& r = rdp(kt);
  bool needgp = false;
  for (rcu_node& rnp : rsp_.node) {
    lock(kt, rnp);
    rnp.gp_seq = new_gp_seq;
    if (&rnp == &mynode(r)) needgp = note_gp_changes_locked(kt, rnp, r) || needgp;
    needgp = rcu_future_gp_cleanup(rnp) || needgp;
    if (is_leaf(rnp))  // reset the overload bits of CPUs no longer overloaded
      for (int c = rnp.grplo; c <= rnp.grphi; ++c)
        if (rnp.cbovldmask & leaf_node_cpu_bit(rnp, c))
          check_cb_ovld_locked(data_[static_cast<std::size_t>(c)], rnp);
    unlock(kt, rnp);
  }
  lock(kt, root());
  trace(kt, rsp_.gp_seq, "end");  // trace first to use the old number
  rcu_seq_end(rsp_.gp_seq);
  rsp_.gp_state = RCU_GP_IDLE;
  ++k_.stats.gp_completed;
  k_.stats.gp_latency.add((kt.now() - rsp_.gp_start_cycles).v);
  if (!needgp && ULONG_CMP_LT(root().gp_seq, root().gp_seq_needed)) needgp = true;  // "CleanupMore"
  if (!rcu_accelerate_cbs(kt, root(), r) && needgp) {
    rsp_.gp_flags = RCU_GP_FLAG_INIT;
    trace(kt, rsp_.gp_seq, "newreq");
  } else {
    rsp_.gp_flags &= RCU_GP_FLAG_INIT;
  }
  unlock(kt, root());
}

}  // namespace rcusim::tree

// The CPU side of Tree RCU: the scheduling-clock hook, quiescent states, the RCU softirq and
// noticing grace periods (the reports up the tree are in report.cpp). kernel/rcu/tree.c and
// tree_plugin.h (CONFIG_PREEMPT_RCU=n), Linux v6.6.
#include "models/kernel/kernel.hpp"
#include "models/rcu/tree/tree.hpp"

namespace rcusim::tree {

// rcu_sched_clock_irq(user): an urgent request makes a CPU in the kernel reschedule; a tick from
// user mode or from idle (rcu_is_cpu_rrupt_from_idle()) is a quiescent state
// (rcu_flavor_sched_clock_irq()); rcu_pending() raises RCU_SOFTIRQ (invoke_rcu_core()).
void TreeRcu::rcu_sched_clock_irq(Cpu& cpu, bool user) {
  rcu_data& r = rdp(cpu);
  const bool from_idle = cpu.ctx() == TaskCtx::idle && !cpu.in_softirq();
  if (r.rcu_urgent_qs) {
    if (!from_idle && !user) cpu.set_need_resched();
    r.rcu_urgent_qs = false;
  }
  if (user || from_idle) rcu_qs(cpu);
  if (rcu_pending(cpu)) cpu.raise_softirq();
}

// rcu_pending(): work for rcu_core() on this CPU? (No nohz_full CPUs, no offloading.)
bool TreeRcu::rcu_pending(Cpu& cpu) {
  const rcu_data& r = rdp(cpu);
  const bool gp_in_progress = rcu_gp_in_progress();
  if (r.core_needs_qs && !r.cpu_no_qs_norm && gp_in_progress) return true;  // a QS to report
  if (rcu_segcblist_ready_cbs(r.cblist)) return true;                       // callbacks to invoke
  if (!gp_in_progress && !rcu_segcblist_restempty(k_.heap, r.cblist, RCU_NEXT_READY_TAIL))
    return true;  // RCU went idle while this CPU needs another grace period
  return rcu_seq_current(mynode(r).gp_seq) != r.gp_seq || r.gpwrap;  // a gp started or ended
}

// rcu_qs(), tree_plugin.h: note a quiescent state; rcu_core() reports it later.
void TreeRcu::rcu_qs(Cpu& cpu) {
  rcu_data& r = rdp(cpu);
  if (!r.cpu_no_qs_norm) return;
  trace(cpu, r.gp_seq, "cpuqs");
  r.cpu_no_qs_norm = false;
}

// rcu_note_context_switch(preempt = false), tree_plugin.h.
void TreeRcu::rcu_note_context_switch(Cpu& cpu) {
  rcu_qs(cpu);
  rcu_data& r = rdp(cpu);
  if (!r.rcu_urgent_qs) return;
  r.rcu_urgent_qs = false;
  if (r.rcu_need_heavy_qs) {  // rcu_momentary_dyntick_idle(): a QS the FQS scan can see
    r.rcu_need_heavy_qs = false;
    cpu.ct_state_inc(2);
  }
}

// rcu_core(), RCU_SOFTIRQ's handler.
void TreeRcu::rcu_core(Cpu& cpu) {
  rcu_data& r = rdp(cpu);
  cpu.fetch(k_.text.rcu_process_callbacks);
  rcu_check_quiescent_state(cpu, r);
  // No grace period and callbacks without one?
  if (!rcu_gp_in_progress() && !rcu_segcblist_restempty(k_.heap, r.cblist, RCU_NEXT_READY_TAIL))
    rcu_accelerate_cbs_unlocked(cpu, mynode(r), r);
  if (rcu_segcblist_ready_cbs(r.cblist)) {
    rcu_do_batch(cpu, r);
    if (rcu_segcblist_ready_cbs(r.cblist)) cpu.raise_softirq();  // invoke_rcu_core()
  }
}

// rcu_check_quiescent_state(): notice grace-period changes, then report a quiescent state if the
// current grace period still waits for this CPU and it has passed one.
void TreeRcu::rcu_check_quiescent_state(Cpu& cpu, rcu_data& r) {
  note_gp_changes(cpu, r);
  if (!r.core_needs_qs || r.cpu_no_qs_norm) return;
  rcu_report_qs_rdp(cpu, r);
}

// note_gp_changes(): only if the leaf moved on, and only if its lock is free (else next time).
void TreeRcu::note_gp_changes(Cpu& cpu, rcu_data& r) {
  rcu_node& rnp = mynode(r);
  if ((r.gp_seq == rcu_seq_current(rnp.gp_seq) && !r.gpwrap) || !cpu.spin_trylock(rnp.lock)) return;
  const bool needwake = note_gp_changes_locked(cpu, rnp, r);
  unlock(cpu, rnp);
  if (needwake) rcu_gp_kthread_wake(cpu);
}

// __note_gp_changes(): the ends of past grace periods advance the callbacks, the start of a new
// one sets up the search for this CPU's quiescent state. Caller holds rnp->lock.
bool TreeRcu::note_gp_changes_locked(Cpu& cpu, rcu_node& rnp, rcu_data& r) {
  RCUSIM_ASSERT_HELD(cpu, rnp.lock);
  if (r.gp_seq == rnp.gp_seq) return false;
  bool ret;
  if (rcu_seq_completed_gp(r.gp_seq, rnp.gp_seq) || r.gpwrap) {
    ret = rcu_advance_cbs(cpu, rnp, r);
    r.core_needs_qs = false;
    trace(cpu, r.gp_seq, "cpuend");
  } else {
    ret = rcu_accelerate_cbs(cpu, rnp, r);
    if (r.core_needs_qs) r.core_needs_qs = (rnp.qsmask & r.grpmask) != 0;
  }
  if (rcu_seq_new_gp(r.gp_seq, rnp.gp_seq) || r.gpwrap) {
    trace(cpu, rnp.gp_seq, "cpustart");
    const bool need_qs = (rnp.qsmask & r.grpmask) != 0;
    r.cpu_no_qs_norm = need_qs;
    r.core_needs_qs = need_qs;
  }
  r.gp_seq = rnp.gp_seq;
  if (ULONG_CMP_LT(r.gp_seq_needed, rnp.gp_seq_needed) || r.gpwrap)
    r.gp_seq_needed = rnp.gp_seq_needed;
  r.gpwrap = false;
  rcu_gpnum_ovf(rnp, r);
  return ret;
}

// rcu_gpnum_ovf(): a CPU a quarter of the counter space behind must re-read everything.
void TreeRcu::rcu_gpnum_ovf(const rcu_node& rnp, rcu_data& r) {
  if (ULONG_CMP_LT(rcu_seq_current(r.gp_seq) + kUlongMax / 4, rnp.gp_seq)) r.gpwrap = true;
}

}  // namespace rcusim::tree

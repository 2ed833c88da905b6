// Queueing callbacks and the grace periods they need: __call_rcu_common(), __call_rcu_core(),
// check_cb_ovld(), rcu_accelerate_cbs(), rcu_advance_cbs() and the funnel-locked request
// rcu_start_this_gp(). kernel/rcu/tree.c, Linux v6.6.
#include "models/kernel/kernel.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/rcu/tree/tree.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim::tree {

// __call_rcu_common(head, func, lazy = false): head->func = func, head->next = NULL, enqueue on
// RCU_NEXT_TAIL, trace, then __call_rcu_core(). (The kernel's kvfree_call_rcu() batches
// kfree_rcu() objects in pages of its own; here they keep 2.6.27's offset-in-func encoding and
// go through call_rcu(), which __call_rcu_common() still traces as rcu_kvfree_callback.)
void TreeRcu::call_rcu(Cpu& cpu, Addr head, std::uint64_t func) {
  rcu_data& r = rdp(cpu);
  cpu.fetch(k_.text.call_rcu);
  cpu.charge(k_.costs.call_rcu);
  k_.heap.write_u64(head + kRcuHeadFunc, func);
  cpu.write(head, kRcuHeadSize, MemClass::rcu_head);
  check_cb_ovld(cpu, r);
  const Addr tail = r.cblist.tails[RCU_NEXT_TAIL];
  if (tail) cpu.write(tail + kRcuHeadNext, 8, MemClass::rcu_head);  // *tails[RCU_NEXT_TAIL] = head
  rcu_segcblist_enqueue(k_.heap, r.cblist, head);
  ++qlen_total_;
  if (k_.tp.enabled()) {  // __is_kvfree_rcu_offset() tells the two kinds apart
    const auto off = decode_kfree_offset(k_.reclaim->encoding(), func);
    k_.tp.emit({cpu.now().v, cpu.id(), off ? Ev::rcu_kvfree_callback : Ev::rcu_callback, 0, head,
                off ? *off : func, r.cblist.len});
  }
  call_rcu_core(cpu, r, head);
}

// __call_rcu_core(): a queue that grew by qhimark since the last check gets a grace period, or,
// with one in progress, a raised blimit and forced quiescent states.
void TreeRcu::call_rcu_core(Cpu& cpu, rcu_data& r, Addr head) {
  if (rcu_segcblist_n_cbs(r.cblist) <= r.qlen_last_fqs_check + cfg_.qhimark) return;
  note_gp_changes(cpu, r);  // are we ignoring a completed grace period?
  if (!rcu_gp_in_progress()) return rcu_accelerate_cbs_unlocked(cpu, mynode(r), r);
  r.blimit = DEFAULT_MAX_RCU_BLIMIT;
  if (rsp_.n_force_qs == r.n_force_qs_snap &&
      rcu_segcblist_first_pend_cb(k_.heap, r.cblist) != head)
    rcu_force_quiescent_state(cpu);
  r.n_force_qs_snap = rsp_.n_force_qs;
  r.qlen_last_fqs_check = rcu_segcblist_n_cbs(r.cblist);
}

// check_cb_ovld_locked(): this CPU's bit in its leaf's cbovldmask. Caller holds rnp->lock.
void TreeRcu::check_cb_ovld_locked(rcu_data& r, rcu_node& rnp) {
  if (qovld_calc_ <= 0) return;
  if (rcu_segcblist_n_cbs(r.cblist) >= qovld_calc_)
    rnp.cbovldmask |= r.grpmask;
  else
    rnp.cbovldmask &= ~r.grpmask;
}

// check_cb_ovld(): takes the leaf's lock only when the bit must change.
void TreeRcu::check_cb_ovld(Cpu& cpu, rcu_data& r) {
  rcu_node& rnp = mynode(r);
  if (qovld_calc_ <= 0 ||
      (rcu_segcblist_n_cbs(r.cblist) >= qovld_calc_) == ((rnp.cbovldmask & r.grpmask) != 0))
    return;
  lock(cpu, rnp);
  check_cb_ovld_locked(r, rnp);
  unlock(cpu, rnp);
}

// rcu_accelerate_cbs(): give the callbacks not yet assigned a grace period the earliest one that
// can serve them (rcu_seq_snap()), and request it. Caller holds rnp->lock; true: wake the kthread.
bool TreeRcu::rcu_accelerate_cbs(Cpu& cpu, rcu_node& rnp, rcu_data& r) {
  RCUSIM_ASSERT_HELD(cpu, rnp.lock);
  if (!rcu_segcblist_pend_cbs(k_.heap, r.cblist)) return false;
  const std::uint64_t gp_seq_req = rcu_seq_snap(rsp_.gp_seq);
  bool ret = false;
  if (rcu_segcblist_accelerate(k_.heap, r.cblist, gp_seq_req))
    ret = rcu_start_this_gp(cpu, rnp, r, gp_seq_req);
  trace(cpu, gp_seq_req,
        rcu_segcblist_restempty(k_.heap, r.cblist, RCU_WAIT_TAIL) ? "AccWaitCB" : "AccReadyCB");
  return ret;
}

// rcu_accelerate_cbs_unlocked(): without the leaf's lock when an earlier request covers them.
void TreeRcu::rcu_accelerate_cbs_unlocked(Cpu& cpu, rcu_node& rnp, rcu_data& r) {
  const std::uint64_t c = rcu_seq_snap(rsp_.gp_seq);
  if (!r.gpwrap && ULONG_CMP_GE(r.gp_seq_needed, c)) {
    rcu_segcblist_accelerate(k_.heap, r.cblist, c);  // old request still live
    return;
  }
  lock(cpu, rnp);
  const bool needwake = rcu_accelerate_cbs(cpu, rnp, r);
  unlock(cpu, rnp);
  if (needwake) rcu_gp_kthread_wake(cpu);
}

// rcu_advance_cbs(): callbacks whose grace period ended (at rnp->gp_seq) move to RCU_DONE_TAIL,
// the rest are accelerated. Caller holds rnp->lock.
bool TreeRcu::rcu_advance_cbs(Cpu& cpu, rcu_node& rnp, rcu_data& r) {
  RCUSIM_ASSERT_HELD(cpu, rnp.lock);
  if (!rcu_segcblist_pend_cbs(k_.heap, r.cblist)) return false;
  const Addr first = rcu_segcblist_first_pend_cb(k_.heap, r.cblist);
  const long done = r.cblist.seglen[RCU_DONE_TAIL];
  rcu_segcblist_advance(k_.heap, r.cblist, rnp.gp_seq);
  if (const long moved = r.cblist.seglen[RCU_DONE_TAIL] - done; moved > 0 && k_.tp.enabled())
    k_.tp.emit({.time = cpu.now().v,
                .cpu = cpu.id(),
                .ev = Ev::rcu_donelist,
                .gp = gp_seq_signed(rnp.gp_seq),
                .count = moved,
                .detail = "rcu_advance_cbs",
                .list = first});
  return rcu_accelerate_cbs(cpu, rnp, r);
}

// rcu_start_this_gp(): record the need for grace period gp_seq_req from the leaf up (funnel
// locking: stop at the first node that already knows, or that sees a grace period in progress);
// at the root, ask the kthread for it. Caller holds rnp_start->lock; true: wake the kthread.
bool TreeRcu::rcu_start_this_gp(Cpu& cpu, rcu_node& rnp_start, rcu_data& r,
                                std::uint64_t gp_seq_req) {
  RCUSIM_ASSERT_HELD(cpu, rnp_start.lock);
  bool ret = false;
  rcu_node* rnp = &rnp_start;
  for (;;) {
    if (rnp != &rnp_start) lock(cpu, *rnp);
    if (ULONG_CMP_GE(rnp->gp_seq_needed, gp_seq_req) || rcu_seq_started(rnp->gp_seq, gp_seq_req) ||
        (rnp != &rnp_start && rcu_seq_state(rcu_seq_current(rnp->gp_seq))))
      goto unlock_out;  // "Prestarted"
    rnp->gp_seq_needed = gp_seq_req;
    if (rcu_seq_state(rcu_seq_current(rnp->gp_seq)))
      goto unlock_out;  // "Startedleaf": rcu_gp_cleanup() will see the marking
    if (rnp != &rnp_start && rnp->parent >= 0) unlock(cpu, *rnp);
    if (rnp->parent < 0) break;  // at the root, and perhaps also the leaf
    rnp = &rsp_.node[static_cast<std::size_t>(rnp->parent)];
  }
  if (rcu_gp_in_progress()) goto unlock_out;  // "Startedleafroot"
  rsp_.gp_flags |= RCU_GP_FLAG_INIT;          // "Startedroot"
  trace(cpu, rsp_.gp_seq, "newreq");
  ret = true;
unlock_out:
  // Push the furthest requested grace period down to the leaf and the rcu_data.
  if (ULONG_CMP_LT(gp_seq_req, rnp->gp_seq_needed)) {
    rnp_start.gp_seq_needed = rnp->gp_seq_needed;
    r.gp_seq_needed = rnp->gp_seq_needed;
  }
  if (rnp != &rnp_start) unlock(cpu, *rnp);
  return ret;
}

}  // namespace rcusim::tree

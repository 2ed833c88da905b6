// rcu_segcblist init, queries, enqueue and entrain: kernel/rcu/rcu_segcblist.c, Linux v6.6.
#include "models/rcu/tree/segcblist.hpp"

namespace rcusim::tree {

long rcu_segcblist_n_segment_cbs(const rcu_segcblist& l) {
  long len = 0;
  for (int i = RCU_DONE_TAIL; i < RCU_CBLIST_NSEGS; i++) len += l.seglen[i];
  return len;
}

void rcu_segcblist_add_len(rcu_segcblist& l, long v) { l.len += v; }

void rcu_segcblist_init(rcu_segcblist& l) {
  l.head = 0;
  for (int i = 0; i < RCU_CBLIST_NSEGS; i++) {
    l.tails[i] = 0;
    l.seglen[i] = 0;
  }
  l.len = 0;
  l.enabled = true;
}

bool rcu_segcblist_disable(rcu_segcblist& l) {
  const bool ok = rcu_segcblist_empty(l) && !rcu_segcblist_n_cbs(l);
  l.enabled = false;
  return ok;
}

bool rcu_segcblist_ready_cbs(const rcu_segcblist& l) {
  return l.enabled && l.tails[RCU_DONE_TAIL] != 0;
}

bool rcu_segcblist_pend_cbs(const Heap& h, const rcu_segcblist& l) {
  return l.enabled && !rcu_segcblist_restempty(h, l, RCU_DONE_TAIL);
}

Addr rcu_segcblist_first_cb(const rcu_segcblist& l) { return l.enabled ? l.head : 0; }

Addr rcu_segcblist_first_pend_cb(const Heap& h, const rcu_segcblist& l) {
  return l.enabled ? load_next(h, l.tails[RCU_DONE_TAIL], l.head) : 0;
}

std::optional<std::uint64_t> rcu_segcblist_nextgp(const Heap& h, const rcu_segcblist& l) {
  if (!rcu_segcblist_pend_cbs(h, l)) return std::nullopt;
  return l.gp_seq[RCU_WAIT_TAIL];
}

void rcu_segcblist_enqueue(Heap& h, rcu_segcblist& l, Addr rhp) {
  rcu_segcblist_inc_len(l);
  l.seglen[RCU_NEXT_TAIL]++;
  h.write_u64(rhp + kRcuHeadNext, 0);                  // rhp->next = NULL;
  store_next(h, l.tails[RCU_NEXT_TAIL], l.head, rhp);  // *rsclp->tails[RCU_NEXT_TAIL] = rhp;
  l.tails[RCU_NEXT_TAIL] = rhp;                        // ... = &rhp->next;
}

bool rcu_segcblist_entrain(Heap& h, rcu_segcblist& l, Addr rhp) {
  if (rcu_segcblist_n_cbs(l) == 0) return false;
  rcu_segcblist_inc_len(l);
  h.write_u64(rhp + kRcuHeadNext, 0);
  int i;
  for (i = RCU_NEXT_TAIL; i > RCU_DONE_TAIL; i--)
    if (l.tails[i] != l.tails[i - 1]) break;
  l.seglen[i]++;
  store_next(h, l.tails[i], l.head, rhp);
  for (; i <= RCU_NEXT_TAIL; i++) l.tails[i] = rhp;
  return true;
}

}  // namespace rcusim::tree

// Moving callbacks between an rcu_segcblist and rcu_cblists: rcu_segcblist_extract_*(),
// rcu_segcblist_insert_*() and rcu_segcblist_merge(), kernel/rcu/rcu_segcblist.c, Linux v6.6.
// Every "*tail = x" of the kernel is a write of an rcu_head's next word in the heap.
#include "models/rcu/tree/segcblist.hpp"

namespace rcusim::tree {

void rcu_segcblist_extract_done_cbs(Heap& h, rcu_segcblist& l, rcu_cblist& rclp) {
  if (!rcu_segcblist_ready_cbs(l)) return;
  const Addr done_tail = l.tails[RCU_DONE_TAIL];
  rclp.len = l.seglen[RCU_DONE_TAIL];
  store_next(h, rclp.tail, rclp.head, l.head);    // *rclp->tail = rsclp->head;
  l.head = h.read_u64(done_tail + kRcuHeadNext);  // rsclp->head = *tails[DONE];
  h.write_u64(done_tail + kRcuHeadNext, 0);       // *tails[DONE] = NULL;
  rclp.tail = done_tail;
  for (int i = RCU_CBLIST_NSEGS - 1; i >= RCU_DONE_TAIL; i--)
    if (l.tails[i] == done_tail) l.tails[i] = 0;  // = &rsclp->head
  l.seglen[RCU_DONE_TAIL] = 0;
}

void rcu_segcblist_extract_pend_cbs(Heap& h, rcu_segcblist& l, rcu_cblist& rclp) {
  if (!rcu_segcblist_pend_cbs(h, l)) return;
  rclp.len = 0;
  store_next(h, rclp.tail, rclp.head, load_next(h, l.tails[RCU_DONE_TAIL], l.head));
  rclp.tail = l.tails[RCU_NEXT_TAIL];
  store_next(h, l.tails[RCU_DONE_TAIL], l.head, 0);  // *tails[DONE] = NULL;
  for (int i = RCU_DONE_TAIL + 1; i < RCU_CBLIST_NSEGS; i++) {
    rclp.len += l.seglen[i];
    l.tails[i] = l.tails[RCU_DONE_TAIL];
    l.seglen[i] = 0;
  }
}

void rcu_segcblist_insert_count(rcu_segcblist& l, const rcu_cblist& rclp) {
  rcu_segcblist_add_len(l, rclp.len);
}

void rcu_segcblist_insert_done_cbs(Heap& h, rcu_segcblist& l, rcu_cblist& rclp) {
  if (!rclp.head) return;
  l.seglen[RCU_DONE_TAIL] += rclp.len;
  h.write_u64(rclp.tail + kRcuHeadNext, l.head);  // *rclp->tail = rsclp->head;
  l.head = rclp.head;
  for (int i = RCU_DONE_TAIL; i < RCU_CBLIST_NSEGS; i++) {
    if (l.tails[i] != 0) break;  // only tails that were &rsclp->head move
    l.tails[i] = rclp.tail;
  }
  rclp.head = 0;
  rclp.tail = 0;
}

void rcu_segcblist_insert_pend_cbs(Heap& h, rcu_segcblist& l, const rcu_cblist& rclp) {
  if (!rclp.head) return;
  l.seglen[RCU_NEXT_TAIL] += rclp.len;
  store_next(h, l.tails[RCU_NEXT_TAIL], l.head, rclp.head);
  l.tails[RCU_NEXT_TAIL] = rclp.tail;
}

void rcu_segcblist_merge(Heap& h, rcu_segcblist& dst, rcu_segcblist& src) {
  rcu_cblist donecbs, pendcbs;
  rcu_segcblist_extract_done_cbs(h, src, donecbs);
  rcu_segcblist_extract_pend_cbs(h, src, pendcbs);
  src.len = 0;
  rcu_segcblist_insert_count(dst, donecbs);
  rcu_segcblist_insert_count(dst, pendcbs);
  rcu_segcblist_insert_done_cbs(h, dst, donecbs);
  rcu_segcblist_insert_pend_cbs(h, dst, pendcbs);
  rcu_segcblist_init(src);
}

}  // namespace rcusim::tree

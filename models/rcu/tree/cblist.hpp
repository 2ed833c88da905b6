// The simple callback list of Tree RCU: struct rcu_cblist (include/linux/rcu_segcblist.h) and
// rcu_cblist_*() (kernel/rcu/rcu_segcblist.c), Linux v6.6. Callbacks are linked through the
// rcu_head.next words in the simulated heap's bytes. The kernel's "struct rcu_head **tail" is
// the Addr of the rcu_head whose next word it points to, 0 meaning the list's own head word.
#pragma once
#include <string>

#include "models/heap/heap.hpp"
#include "models/rcu/rcu_head.hpp"

namespace rcusim::tree {

struct rcu_cblist {
  Addr head = 0;
  Addr tail = 0;  // last rcu_head; 0 = &rclp->head
  long len = 0;
};

// *tail, where tail is a "struct rcu_head **" into a list whose head word is `head`.
inline Addr load_next(const Heap& h, Addr tail, Addr head) {
  return tail ? h.read_u64(tail + kRcuHeadNext) : head;
}
// *tail = v: a heap write unless tail is the list's own head word.
inline void store_next(Heap& h, Addr tail, Addr& head, Addr v) {
  if (tail)
    h.write_u64(tail + kRcuHeadNext, v);
  else
    head = v;
}

inline long rcu_cblist_n_cbs(const rcu_cblist& rclp) { return rclp.len; }
void rcu_cblist_init(rcu_cblist& rclp);
// Appends rhp; like the kernel it leaves rhp->next alone (__call_rcu_common() zeroed it).
void rcu_cblist_enqueue(Heap& h, rcu_cblist& rclp, Addr rhp);
// drclp = srclp; srclp = {rhp} (rhp->next zeroed), or empty when rhp is 0.
void rcu_cblist_flush_enqueue(Heap& h, rcu_cblist& drclp, rcu_cblist& srclp, Addr rhp);
// The oldest callback, unlinked (its next word is left as it was), or 0 when empty.
Addr rcu_cblist_dequeue(const Heap& h, rcu_cblist& rclp);

// "" when walking the next words from head reaches tail, then NULL, after exactly len callbacks;
// else what is wrong. For tests and debug checks: the kernel has no such function.
std::string rcu_cblist_check(const Heap& h, const rcu_cblist& rclp);

}  // namespace rcusim::tree

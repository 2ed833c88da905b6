// rcu_segcblist_advance() and rcu_segcblist_accelerate(): kernel/rcu/rcu_segcblist.c, Linux v6.6.
// They move only tails[], seglen[] and gp_seq[]: no next word changes.
#include "models/rcu/tree/gp_seq.hpp"
#include "models/rcu/tree/segcblist.hpp"

namespace rcusim::tree {

namespace {
// rcu_segcblist_move_seglen()
void move_seglen(rcu_segcblist& l, int from, int to) {
  if (from == to) return;
  const long len = l.seglen[from];
  if (!len) return;
  l.seglen[to] += len;
  l.seglen[from] = 0;
}
}  // namespace

void rcu_segcblist_advance(const Heap& h, rcu_segcblist& l, std::uint64_t seq) {
  if (rcu_segcblist_restempty(h, l, RCU_DONE_TAIL)) return;

  // Every segment whose gp_seq has been reached joins DONE.
  int i;
  for (i = RCU_WAIT_TAIL; i < RCU_NEXT_TAIL; i++) {
    if (ULONG_CMP_LT(seq, l.gp_seq[i])) break;
    l.tails[RCU_DONE_TAIL] = l.tails[i];
    move_seglen(l, i, RCU_DONE_TAIL);
  }
  if (i == RCU_WAIT_TAIL) return;  // nothing moved

  // Tails left pointing before DONE's new end are pulled up to it.
  int j;
  for (j = RCU_WAIT_TAIL; j < i; j++) l.tails[j] = l.tails[RCU_DONE_TAIL];

  // The later segments are copied down into the gap (NEXT stays where it is).
  for (j = RCU_WAIT_TAIL; i < RCU_NEXT_TAIL; i++, j++) {
    if (l.tails[j] == l.tails[RCU_NEXT_TAIL]) break;  // no more callbacks
    l.tails[j] = l.tails[i];
    move_seglen(l, i, j);
    l.gp_seq[j] = l.gp_seq[i];
  }
}

bool rcu_segcblist_accelerate(const Heap& h, rcu_segcblist& l, std::uint64_t seq) {
  if (rcu_segcblist_restempty(h, l, RCU_DONE_TAIL)) return false;

  // The newest non-empty segment that waits for an earlier grace period than seq: it and
  // everything older keep their gp_seq; everything newer can wait for seq together.
  int i;
  for (i = RCU_NEXT_READY_TAIL; i > RCU_DONE_TAIL; i--)
    if (l.tails[i] != l.tails[i - 1] && ULONG_CMP_LT(l.gp_seq[i], seq)) break;

  // Nothing after i, or i is NEXT_READY already waiting for less than seq: the callbacks in NEXT
  // wait for the next call (the kernel's "++i >= RCU_NEXT_TAIL" leaves them unassigned).
  if (rcu_segcblist_restempty(h, l, i) || ++i >= RCU_NEXT_TAIL) return false;

  for (int j = i + 1; j <= RCU_NEXT_TAIL; j++) move_seglen(l, j, i);
  for (; i < RCU_NEXT_TAIL; i++) {
    l.tails[i] = l.tails[RCU_NEXT_TAIL];
    l.gp_seq[i] = seq;
  }
  return true;
}

}  // namespace rcusim::tree

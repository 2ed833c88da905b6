// The segmented callback list of Tree RCU: struct rcu_segcblist (include/linux/rcu_segcblist.h)
// and rcu_segcblist_*() (kernel/rcu/rcu_segcblist.{h,c}), Linux v6.6, without locks or the NOCB
// flags. One list linked through rcu_head.next words in the simulated heap, cut into four
// segments by tails[]: tails[i] is the Addr of the last rcu_head of segment i, 0 meaning the
// kernel's &rsclp->head (every segment up to i is empty). Functions keep the kernel's names and
// order of writes; the heap is passed where the kernel dereferences. The kernel's WARN_ON_ONCE()
// checks are left out, except where a return value reports them (rcu_segcblist_disable()).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "models/rcu/tree/cblist.hpp"

namespace rcusim::tree {

enum : int {
  RCU_DONE_TAIL = 0,        // callbacks whose grace period has elapsed
  RCU_WAIT_TAIL = 1,        // waiting for the current grace period (gp_seq[RCU_WAIT_TAIL])
  RCU_NEXT_READY_TAIL = 2,  // waiting for the next one
  RCU_NEXT_TAIL = 3,        // not yet assigned a grace period
  RCU_CBLIST_NSEGS = 4,
};

struct rcu_segcblist {
  Addr head = 0;
  std::array<Addr, RCU_CBLIST_NSEGS> tails{};
  std::array<std::uint64_t, RCU_CBLIST_NSEGS> gp_seq{};
  long len = 0;
  std::array<long, RCU_CBLIST_NSEGS> seglen{};
  bool enabled = false;  // SEGCBLIST_ENABLED of ->flags
};

// rcu_segcblist.h's inline helpers.
inline bool rcu_segcblist_empty(const rcu_segcblist& l) { return !l.head; }
inline long rcu_segcblist_n_cbs(const rcu_segcblist& l) { return l.len; }
inline bool rcu_segcblist_is_enabled(const rcu_segcblist& l) { return l.enabled; }
inline long rcu_segcblist_get_seglen(const rcu_segcblist& l, int seg) { return l.seglen[seg]; }
// Are all segments after `seg` empty? (`seg` itself may hold callbacks.)
inline bool rcu_segcblist_restempty(const Heap& h, const rcu_segcblist& l, int seg) {
  return !load_next(h, l.tails[seg], l.head);
}
inline bool rcu_segcblist_segempty(const rcu_segcblist& l, int seg) {
  return seg == RCU_DONE_TAIL ? l.tails[RCU_DONE_TAIL] == 0 : l.tails[seg - 1] == l.tails[seg];
}

long rcu_segcblist_n_segment_cbs(const rcu_segcblist& l);
void rcu_segcblist_add_len(rcu_segcblist& l, long v);
inline void rcu_segcblist_inc_len(rcu_segcblist& l) { rcu_segcblist_add_len(l, 1); }
void rcu_segcblist_init(rcu_segcblist& l);
// Returns false where the kernel WARNs (the list still has callbacks); disables regardless.
bool rcu_segcblist_disable(rcu_segcblist& l);

bool rcu_segcblist_ready_cbs(const rcu_segcblist& l);
bool rcu_segcblist_pend_cbs(const Heap& h, const rcu_segcblist& l);
Addr rcu_segcblist_first_cb(const rcu_segcblist& l);
Addr rcu_segcblist_first_pend_cb(const Heap& h, const rcu_segcblist& l);
// The gp_seq the first pending segment waits for (gp_seq[RCU_WAIT_TAIL]); none if none pends.
std::optional<std::uint64_t> rcu_segcblist_nextgp(const Heap& h, const rcu_segcblist& l);

// call_rcu(): rhp->next = NULL, appended to RCU_NEXT_TAIL.
void rcu_segcblist_enqueue(Heap& h, rcu_segcblist& l, Addr rhp);
// rcu_barrier(): rhp appended to the last non-empty segment; false (no change) when len is 0.
bool rcu_segcblist_entrain(Heap& h, rcu_segcblist& l, Addr rhp);

// Moves DONE (resp. every pending segment) to the end of rclp; rclp->len is set, not added to.
void rcu_segcblist_extract_done_cbs(Heap& h, rcu_segcblist& l, rcu_cblist& rclp);
void rcu_segcblist_extract_pend_cbs(Heap& h, rcu_segcblist& l, rcu_cblist& rclp);
void rcu_segcblist_insert_count(rcu_segcblist& l, const rcu_cblist& rclp);
// rclp goes to the front of DONE (rcu_do_batch()'s leftovers); rclp is left empty, len kept.
void rcu_segcblist_insert_done_cbs(Heap& h, rcu_segcblist& l, rcu_cblist& rclp);
// rclp goes to the end of NEXT; rclp itself is left unchanged, as in the kernel.
void rcu_segcblist_insert_pend_cbs(Heap& h, rcu_segcblist& l, const rcu_cblist& rclp);

// Moves every segment whose gp_seq is done at `seq` into DONE, then closes the gaps.
void rcu_segcblist_advance(const Heap& h, rcu_segcblist& l, std::uint64_t seq);
// Assigns `seq` to the newest callbacks that can wait for it; true if any were (re)assigned.
bool rcu_segcblist_accelerate(const Heap& h, rcu_segcblist& l, std::uint64_t seq);
// Moves all of src's callbacks to dst (pending ones start over in dst's NEXT); src is reset.
void rcu_segcblist_merge(Heap& h, rcu_segcblist& dst, rcu_segcblist& src);

// "" when the heap list from head passes through tails[0..3] in order, each segment holding
// seglen[i] callbacks, the last next word is NULL and len equals their sum (pass
// check_len = false where len lawfully differs, as inside rcu_do_batch()); else what is wrong.
std::string rcu_segcblist_check(const Heap& h, const rcu_segcblist& l, bool check_len = true);

}  // namespace rcusim::tree

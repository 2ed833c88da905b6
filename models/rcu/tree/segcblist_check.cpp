// A consistency check of an rcu_segcblist against the heap words it links: for tests and debug
// checks of the models that use it (the kernel has none; rcutorture checks the counts only).
#include <fmt/format.h>

#include "models/rcu/tree/segcblist.hpp"

namespace rcusim::tree {

std::string rcu_segcblist_check(const Heap& h, const rcu_segcblist& l, bool check_len) {
  const long counted = rcu_segcblist_n_segment_cbs(l);
  long walked = 0;
  Addr pos = 0;  // the word last walked through: 0 = &rsclp->head
  for (int seg = RCU_DONE_TAIL; seg < RCU_CBLIST_NSEGS; seg++) {
    long n = 0;
    while (pos != l.tails[seg]) {
      const Addr next = load_next(h, pos, l.head);
      if (!next)
        return fmt::format("tails[{}] = {:#x} is not on the list after segment {}", seg,
                           l.tails[seg], seg - 1);
      if (++walked > counted)
        return fmt::format("more callbacks linked than the seglen sum {}", counted);
      pos = next;
      ++n;
    }
    if (n != l.seglen[seg])
      return fmt::format("segment {} holds {} callbacks, seglen says {}", seg, n, l.seglen[seg]);
  }
  if (const Addr after = load_next(h, pos, l.head))
    return fmt::format("callback {:#x} linked after tails[RCU_NEXT_TAIL]", after);
  if (check_len && l.len != counted)
    return fmt::format("len {} but the segments hold {}", l.len, counted);
  return "";
}

}  // namespace rcusim::tree

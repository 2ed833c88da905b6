// rcu_cblist_*(): kernel/rcu/rcu_segcblist.c, Linux v6.6, plus a consistency check.
#include "models/rcu/tree/cblist.hpp"

#include <fmt/format.h>

namespace rcusim::tree {

void rcu_cblist_init(rcu_cblist& rclp) { rclp = rcu_cblist{}; }

void rcu_cblist_enqueue(Heap& h, rcu_cblist& rclp, Addr rhp) {
  store_next(h, rclp.tail, rclp.head, rhp);  // *rclp->tail = rhp;
  rclp.tail = rhp;                           // rclp->tail = &rhp->next;
  ++rclp.len;
}

void rcu_cblist_flush_enqueue(Heap& h, rcu_cblist& drclp, rcu_cblist& srclp, Addr rhp) {
  drclp.head = srclp.head;
  drclp.tail = drclp.head ? srclp.tail : 0;
  drclp.len = srclp.len;
  if (!rhp) {
    rcu_cblist_init(srclp);
  } else {
    h.write_u64(rhp + kRcuHeadNext, 0);
    srclp.head = rhp;
    srclp.tail = rhp;
    srclp.len = 1;
  }
}

Addr rcu_cblist_dequeue(const Heap& h, rcu_cblist& rclp) {
  const Addr rhp = rclp.head;
  if (!rhp) return 0;
  --rclp.len;
  rclp.head = h.read_u64(rhp + kRcuHeadNext);
  if (!rclp.head) rclp.tail = 0;
  return rhp;
}

std::string rcu_cblist_check(const Heap& h, const rcu_cblist& rclp) {
  if (!rclp.head) {
    if (rclp.tail) return fmt::format("empty list with tail {:#x}", rclp.tail);
    return rclp.len ? fmt::format("empty list with len {}", rclp.len) : "";
  }
  long n = 0;
  Addr last = 0;
  for (Addr p = rclp.head; p; p = h.read_u64(p + kRcuHeadNext)) {
    if (n > rclp.len) return fmt::format("more than len {} callbacks linked", rclp.len);
    last = p;
    ++n;
  }
  if (last != rclp.tail) return fmt::format("list ends at {:#x}, tail is {:#x}", last, rclp.tail);
  return n == rclp.len ? "" : fmt::format("{} callbacks linked, len {}", n, rclp.len);
}

}  // namespace rcusim::tree

// Linux 6.1: the drain interval becomes 5 * HZ, and a CPU with a page's worth of pointers
// waiting re-arms its monitor for the next jiffy (51824b780b71). As since v5.11, a two-argument
// kfree_rcu() takes pages only from a per-CPU cache of rcu_min_cached_objs = 5 that a worker
// refills (run_page_cache_worker()); records per page (PAGE_SIZE - 16) / 8 = 510 since v5.8; and
// rcu_head.func holds the object's address (kvfree_call_rcu(head, ptr), v5.9).
#include "models/reclaim/generation.hpp"
#include "models/reclaim/kvfree/policy.hpp"

namespace rcusim {

const KvfreePolicy* policy_6_1() {
  static const KvfreePolicy p = [] {
    KvfreePolicy q = *policy_5_7();
    q.version = "6.1";
    q.drain_num = 5;
    q.drain_den = 1;
    q.bulk_max_entr = (4096 - 16) / 8;
    q.inline_page_alloc = false;
    q.refill_worker = true;
    q.cached_pages = 5;
    q.flood_rearm = true;
    q.func_holds_ptr = true;
    return q;
  }();
  return &p;
}

}  // namespace rcusim

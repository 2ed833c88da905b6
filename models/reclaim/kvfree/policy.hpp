// What one generation of batched kfree_rcu() (kernel/rcu/tree.c, v5.6 on; mm/slab_common.c from
// v6.13) does differently: the mechanism (krc.hpp, kvfree.cpp, monitor.cpp, work.cpp) reads only
// these. Each generation's file under models/reclaim/generations/ starts from the one before.
#pragma once
#include <cstdint>
#include <string_view>

namespace rcusim {

struct KvfreePolicy {
  std::string_view version;
  // KFREE_DRAIN_JIFFIES = HZ * drain_num / drain_den: HZ / 50 from a35d16905efc, 5 * HZ from
  // 51824b780b71.
  std::int64_t drain_num = 1, drain_den = 50;
  int n_batches = 2;  // KFREE_N_BATCHES: 1 in a35d16905efc, 2 from 0392bebebf26
  // Pointers go into page-sized arrays freed by kfree_bulk() (34c881745549); otherwise every
  // object is linked through its rcu_head.
  bool bulk = false;
  std::uint32_t bulk_max_entr = 0;  // KFREE_BULK_MAX_ENTR records per page
  // kfree_rcu() may take a page from the page allocator itself (__get_free_page(GFP_NOWAIT),
  // 34c881745549); later a two-argument kfree_rcu() only takes cached pages and a worker refills
  // the cache (run_page_cache_worker(), v5.11 on).
  bool inline_page_alloc = false;
  bool refill_worker = false;
  int cached_pages = 0;  // krcp->bcached (1) or rcu_min_cached_objs (5)
  // schedule_delayed_monitor_work(): a CPU with a page's worth waiting drains at the next jiffy
  // (51824b780b71).
  bool flood_rearm = false;
  // Each page and the list keep a get_state_synchronize_rcu() cookie; the monitor frees what a
  // past grace period already covers without another call_rcu() (cc37d52076a9).
  bool polled = false;
  // kvfree_rcu_barrier() (2b55d6a42d14), which kmem_cache_destroy() calls (6c6c47b063b5).
  bool barrier = false;
  // rcu_head.func holds the object's address (kvfree_call_rcu(head, ptr), v5.9 on) rather than
  // the offset of the rcu_head in it.
  bool func_holds_ptr = false;

  std::int64_t drain_jiffies(std::int64_t hz) const { return hz * drain_num / drain_den; }
};

}  // namespace rcusim

// Linux 5.7: pointers go into page-sized arrays (kfree_rcu_bulk_data, KFREE_BULK_MAX_ENTR =
// PAGE_SIZE / sizeof(void *) - 3 records) freed with kfree_bulk(); kfree_rcu() takes a page with
// __get_free_page(GFP_NOWAIT) or the one it keeps (krcp->bcached), and objects whose page could
// not be had go on the rcu_head list as in 5.6 (34c881745549).
#include "models/reclaim/generation.hpp"
#include "models/reclaim/kvfree/policy.hpp"

namespace rcusim {

const KvfreePolicy* policy_5_7() {
  static const KvfreePolicy p = [] {
    KvfreePolicy q = *policy_5_6();
    q.version = "5.7";
    q.bulk = true;
    q.bulk_max_entr = 4096 / 8 - 3;
    q.inline_page_alloc = true;
    q.cached_pages = 1;
    return q;
  }();
  return &p;
}

}  // namespace rcusim

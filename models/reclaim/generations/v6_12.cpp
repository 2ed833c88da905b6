// Linux 6.12: kvfree_rcu_barrier() waits for every kfree_rcu() in flight (2b55d6a42d14), and
// kmem_cache_destroy() calls it first (6c6c47b063b5), so a module may kfree_rcu() objects of its
// own kmem_cache and destroy the cache at exit. The page's cookie is a struct rcu_gp_oldstate
// (normal and expedited), so its header is 40 bytes and a page holds 507 records.
#include "models/reclaim/generation.hpp"
#include "models/reclaim/kvfree/policy.hpp"

namespace rcusim {

const KvfreePolicy* policy_6_12() {
  static const KvfreePolicy p = [] {
    KvfreePolicy q = *policy_6_3();
    q.version = "6.12";
    q.barrier = true;
    q.bulk_max_entr = (4096 - 40) / 8;
    return q;
  }();
  return &p;
}

}  // namespace rcusim

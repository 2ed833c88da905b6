// Linux 6.12: kvfree_rcu_barrier() waits for every kfree_rcu() in flight (2b55d6a42d14), and
// kmem_cache_destroy() calls it first (6c6c47b063b5), so a module may kfree_rcu() objects of its
// own kmem_cache and destroy the cache at exit.
#include "models/reclaim/generation.hpp"
#include "models/reclaim/kvfree/policy.hpp"

namespace rcusim {

const KvfreePolicy* policy_6_12() {
  static const KvfreePolicy p = [] {
    KvfreePolicy q = *policy_6_3();
    q.version = "6.12";
    q.barrier = true;
    return q;
  }();
  return &p;
}

}  // namespace rcusim

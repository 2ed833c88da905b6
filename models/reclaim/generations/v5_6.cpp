// Linux 5.6: kfree_rcu() batching, kernel/rcu/tree.c. Each CPU's kfree_rcu_cpu collects objects
// on a list through their rcu_heads; a delayed work drains it after KFREE_DRAIN_JIFFIES = HZ / 50
// into a batch and queues one queue_rcu_work() (one call_rcu()) for all of it; after the grace
// period a kworker frees the objects one by one (a35d16905efc). Two batches may be in flight per
// CPU (0392bebebf26).
#include "models/reclaim/generation.hpp"
#include "models/reclaim/kvfree/policy.hpp"

namespace rcusim {

const KvfreePolicy* policy_5_6() {
  static const KvfreePolicy p{.version = "5.6", .drain_num = 1, .drain_den = 50, .n_batches = 2};
  return &p;
}

}  // namespace rcusim

// Linux 6.3: each page and the rcu_head list record a polled grace-period cookie
// (get_state_synchronize_rcu()); the monitor first frees whatever a grace period that has
// already ended covers (kvfree_rcu_drain_ready()), without another call_rcu() (cc37d52076a9).
// The page's header (list_head, gp_snap, nr_records: 32 bytes) leaves 508 records.
#include "models/reclaim/generation.hpp"
#include "models/reclaim/kvfree/policy.hpp"

namespace rcusim {

const KvfreePolicy* policy_6_3() {
  static const KvfreePolicy p = [] {
    KvfreePolicy q = *policy_6_1();
    q.version = "6.3";
    q.polled = true;
    q.bulk_max_entr = (4096 - 32) / 8;
    return q;
  }();
  return &p;
}

}  // namespace rcusim

#include "models/reclaim/generation.hpp"

namespace rcusim {

namespace {
// rfc-2008 and 3.0 are their encodings (encoding.cpp): one call_rcu() per object, the offset in
// rcu_head.func decoded by __rcu_reclaim(). From 5.6 on the byte offset (or, from v5.9, the
// object's address) only travels on the fallback list.
constexpr KfreeRcuGeneration kGenerations[] = {
    {"rfc-2008", "the 2008 RFC: one call_rcu() per object, func = offset / sizeof(void *) <= 4095",
     Encoding::rfc, nullptr},
    {"3.0", "Linux 3.0 (9ab1544eb419): one call_rcu() per object, func = byte offset < 4096",
     Encoding::merged, nullptr},
    {"5.6",
     "per-CPU batches drained every HZ/50 by a delayed work, one call_rcu() per batch, freed "
     "one by one by a kworker; two batches in flight (a35d16905efc, 0392bebebf26)",
     Encoding::merged, policy_5_6},
    {"5.7", "5.6 with page-sized pointer arrays freed by kfree_bulk() (34c881745549)",
     Encoding::merged, policy_5_7},
    {"6.1", "5.7 draining every 5*HZ, at the next jiffy once a page is full (51824b780b71)",
     Encoding::merged, policy_6_1},
    {"6.3", "6.1 freeing at once what a past grace period covers (polled, cc37d52076a9)",
     Encoding::merged, policy_6_3},
    {"6.12", "6.3 with kvfree_rcu_barrier(), called by kmem_cache_destroy() (2b55d6a42d14)",
     Encoding::merged, policy_6_12},
};
}  // namespace

std::span<const KfreeRcuGeneration> kfree_rcu_generations() { return kGenerations; }

}  // namespace rcusim

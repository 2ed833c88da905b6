#include "models/rcu/flavors.hpp"

#include "models/rcu/flavor.hpp"

namespace rcusim {

std::unique_ptr<RcuFlavor> make_classic(Kernel& k, const RcuConfig& cfg);
std::unique_ptr<RcuFlavor> make_busted(Kernel& k, const RcuConfig& cfg);
std::unique_ptr<RcuFlavor> make_tree(Kernel& k, const RcuConfig& cfg);
std::unique_ptr<RcuFlavor> make_busted_tree(Kernel& k, const RcuConfig& cfg);

namespace {
constexpr RcuFlavorOps kFlavors[] = {
    {"classic", "Linux 2.6.27 classic RCU (kernel/rcuclassic.c)", make_classic},
    {"busted",
     "classic RCU whose grace periods wait only for the CPU that started them: readers must "
     "catch it (rcutorture's rcu_busted_ops)",
     make_busted},
    {"tree", "Linux v6.6 Tree RCU, CONFIG_PREEMPT_RCU=n (kernel/rcu/tree.c)", make_tree},
    {"busted-tree",
     "Tree RCU whose quiescent-state reports clear a parent's whole qsmask when one leaf "
     "empties: readers must catch it (needs rcu_fanout_leaf below the CPU count)",
     make_busted_tree},
};
}  // namespace

std::span<const RcuFlavorOps> rcu_flavors() { return kFlavors; }

}  // namespace rcusim

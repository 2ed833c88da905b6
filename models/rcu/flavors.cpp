#include "models/rcu/flavors.hpp"

#include "models/rcu/flavor.hpp"

namespace rcusim {

std::unique_ptr<RcuFlavor> make_classic(Kernel& k, const RcuConfig& cfg);
std::unique_ptr<RcuFlavor> make_busted(Kernel& k, const RcuConfig& cfg);

namespace {
constexpr RcuFlavorOps kFlavors[] = {
    {"classic", "Linux 2.6.27 classic RCU (kernel/rcuclassic.c)", make_classic},
    {"busted",
     "classic RCU whose grace periods wait only for the CPU that started them: readers must "
     "catch it (rcutorture's rcu_busted_ops)",
     make_busted},
};
}  // namespace

std::span<const RcuFlavorOps> rcu_flavors() { return kFlavors; }

}  // namespace rcusim

// A deliberately broken RCU, kept so tests can show that rcusim catches one (the role of
// rcutorture's rcu_busted_ops): each batch waits only for the CPU that started it, so a grace
// period can end while readers on other CPUs still hold the objects it frees.
#include <algorithm>

#include "models/rcu/classic.hpp"

namespace rcusim {

class BustedRcu final : public ClassicRcu {
 public:
  using ClassicRcu::ClassicRcu;
  std::string_view name() const override { return "busted"; }

 protected:
  void fill_cpumask(Cpu& cpu) override {
    std::fill(rcp_.cpumask.begin(), rcp_.cpumask.end(), 0);
    rcp_.cpumask[static_cast<std::size_t>(cpu.id())] = 1;
    rcp_.cpumask_weight = 1;
  }
};

std::unique_ptr<RcuFlavor> make_busted(Kernel& k, const RcuConfig& cfg) {
  return std::make_unique<BustedRcu>(k, cfg);
}

}  // namespace rcusim

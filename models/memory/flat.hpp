// Flat memory: every access costs a fixed latency per kind, whatever the address. The baseline
// the cache hierarchy is compared against.
#pragma once
#include <vector>

#include "models/memory/cost.hpp"

namespace rcusim {

struct FlatConfig {
  Cycles ifetch{4};         // an L1 hit, DOMAIN.md (Skylake)
  Cycles read{4};
  Cycles write{4};
  Cycles indirect_call{16}; // every indirect call pays a mispredict: no predictor here
};

class FlatMemory final : public MemoryCost {
 public:
  FlatMemory(int cpus, FlatConfig cfg) : cfg_(cfg), counters_(static_cast<std::size_t>(cpus)) {}
  Cycles access(int cpu, Addr addr, std::uint32_t size, AccessKind kind, MemClass cls) override;
  Cycles indirect_call(int cpu, Addr site, Addr target) override;
  const AccessCounters& counters(int cpu) const override {
    return counters_[static_cast<std::size_t>(cpu)];
  }

 private:
  FlatConfig cfg_;
  std::vector<AccessCounters> counters_;
};

}  // namespace rcusim

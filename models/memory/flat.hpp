// Flat memory: every access costs a fixed latency per kind, whatever the address. The baseline
// the cache hierarchy is compared against.
#pragma once
#include <array>
#include <vector>

#include "models/memory/cost.hpp"

namespace rcusim {

struct FlatConfig {
  Cycles ifetch{4};  // an L1 hit on Skylake (7-cpu.com/cpu/Skylake.html)
  Cycles read{4};
  Cycles write{4};
  Cycles indirect_call{16};  // every indirect call pays a mispredict: no predictor here
};

class FlatMemory final : public MemoryCost {
 public:
  FlatMemory(int cpus, FlatConfig cfg)
      : cfg_(cfg),
        by_kind_{cfg.ifetch, cfg.read, cfg.write, cfg.write},
        counters_(static_cast<std::size_t>(cpus)) {}
  Cycles access(int cpu, Addr, std::uint32_t, AccessKind kind, MemClass cls) override {
    return cost(cpu, kind, cls);
  }
  // access() without the address it ignores: inline, so that Cpu, which calls it tens of times
  // per simulated object, needs no virtual call.
  Cycles cost(int cpu, AccessKind kind, MemClass cls) {
    const Cycles c = by_kind_[static_cast<std::size_t>(kind)];
    auto& k = counters_[static_cast<std::size_t>(cpu)];
    ++k.accesses;
    k.cycles += c.v;
    ++k.by_class[static_cast<std::size_t>(cls)];
    return c;
  }
  Cycles indirect_call(int cpu, Addr, Addr) override {
    counters_[static_cast<std::size_t>(cpu)].cycles += cfg_.indirect_call.v;
    return cfg_.indirect_call;
  }
  const AccessCounters& counters(int cpu) const override {
    return counters_[static_cast<std::size_t>(cpu)];
  }

 private:
  FlatConfig cfg_;
  std::array<Cycles, 4> by_kind_;  // by AccessKind; a modify costs a write
  std::vector<AccessCounters> counters_;
};

}  // namespace rcusim

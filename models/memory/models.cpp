#include "models/memory/models.hpp"

#include "models/cache/hierarchy.hpp"
#include "models/memory/config.hpp"
#include "models/memory/flat.hpp"

namespace rcusim {
namespace {

std::unique_ptr<MemoryCost> make_flat(int cpus, const MemoryConfig& m, const CacheKeys&) {
  FlatConfig f;
  f.ifetch = Cycles{m.ifetch};
  f.read = Cycles{m.read};
  f.write = Cycles{m.write};
  f.indirect_call = Cycles{m.indirect_call};
  return std::make_unique<FlatMemory>(cpus, f);
}

std::unique_ptr<MemoryCost> make_cache(int cpus, const MemoryConfig&, const CacheKeys& c) {
  return std::make_unique<CacheHierarchy>(cpus, c.to_cache());
}

constexpr MemoryModelOps kModels[] = {
    {"flat", "a fixed latency per access kind ([memory] ifetch, read, write, indirect_call)",
     make_flat},
    {"cache",
     "per-CPU L1I/L1D and L2, a shared LLC and a coherence directory ([cache]), with an "
     "indirect-call predictor",
     make_cache},
};

}  // namespace

std::span<const MemoryModelOps> memory_models() { return kModels; }

}  // namespace rcusim

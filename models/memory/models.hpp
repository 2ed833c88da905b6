// The memory-cost models, one row each (the plug-in table of sim/base/plugin.hpp): [memory] model
// names a row, and the engine builds the model through it.
#pragma once
#include <memory>
#include <span>
#include <string_view>

namespace rcusim {

class MemoryCost;
struct MemoryConfig;
struct CacheKeys;

struct MemoryModelOps {
  std::string_view name;
  std::string_view doc;
  std::unique_ptr<MemoryCost> (*make)(int cpus, const MemoryConfig& mem, const CacheKeys& cache);
};

std::span<const MemoryModelOps> memory_models();

}  // namespace rcusim

// What the cache hierarchy counts, per CPU. Hits and misses are per line reference and per
// MemClass, so a callback's text misses can be told from its rcu_head misses.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "models/memory/cost.hpp"

namespace rcusim {

enum class CacheLevel : std::uint8_t { l1i, l1d, l2, llc, count };
inline constexpr std::size_t kCacheLevels = static_cast<std::size_t>(CacheLevel::count);
std::string_view to_string(CacheLevel l);

using ClassCounts = std::array<std::uint64_t, kMemClasses>;

struct LevelCounters {
  ClassCounts hits{};
  ClassCounts misses{};
};

struct CacheCounters {
  AccessCounters access;  // what MemoryCost::counters() reports (cycles include mispredicts)
  std::array<LevelCounters, kCacheLevels> levels{};
  // Both are subsets of the misses above: private misses (L1 and L2 missed) on a line a remote
  // write had invalidated here, and private misses served from another CPU's private cache.
  ClassCounts coherence_misses{};
  ClassCounts transfers{};
  std::uint64_t indirect_calls = 0;
  std::uint64_t mispredicts = 0;

  const LevelCounters& level(CacheLevel l) const { return levels[static_cast<std::size_t>(l)]; }
  LevelCounters& level(CacheLevel l) { return levels[static_cast<std::size_t>(l)]; }
};

inline std::uint64_t sum(const ClassCounts& c) {
  std::uint64_t s = 0;
  for (auto v : c) s += v;
  return s;
}

}  // namespace rcusim

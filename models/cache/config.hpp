// Geometry and latencies of the modelled cache hierarchy. The defaults are written here once, from
// published latencies of a Skylake client part (Intel 64 and IA-32 Architectures
// Optimization Reference Manual; 7-cpu.com/cpu/Skylake.html); tests and scenarios start from them
// and change single fields.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/base/units.hpp"

namespace rcusim {

// One set-associative level. Latencies are load-to-use totals as measured (an L2 hit costs 12,
// not 4 + 12), so a reference pays exactly the latency of the level that satisfied it. A level
// has no defaults of its own (a zero level fails validate()); CacheConfig spells each one out.
struct LevelConfig {
  std::uint64_t size = 0;   // bytes
  std::uint32_t assoc = 0;  // ways per set
  std::uint32_t line = 0;   // bytes per line
  Cycles hit_latency{0};
};

struct CacheConfig {
  LevelConfig l1i{32 * 1024, 8, 64, Cycles{4}};
  LevelConfig l1d{32 * 1024, 8, 64, Cycles{4}};
  bool l2_enabled = true;  // Cachegrind's I1/D1/LL model is this with the L2 off
  LevelConfig l2{1024 * 1024, 16, 64, Cycles{12}};
  LevelConfig llc{8 * 1024 * 1024, 16, 64, Cycles{42}};
  Cycles dram{250};  // 89-98 ns at 2.5-3 GHz
  // A miss served from another core's private cache (the line is modified there, or clean there
  // but gone from the LLC). Those sources give no cross-core figure; this is an estimate: the LLC
  // lookup that finds the owner (42) plus a snoop of the owning core's L1/L2, about an L2 hit
  // (12-18), so roughly 1.5 LLC hits.
  Cycles coherence_transfer{60};
  Cycles indirect_mispredict{16};         // Skylake branch mispredict, 16-20
  std::uint32_t predictor_entries = 512;  // per-CPU last-target table, direct mapped
};

// Upper bound on CPUs: holder sets store CPU ids in 16 bits.
inline constexpr int kMaxCacheCpus = 65536;

// Empty when `level` is a buildable cache, else "<name>.<field>: <why>".
std::string validate(const LevelConfig& level, std::string_view name);
// Empty when `cfg` is usable for `cpus` CPUs, else an error naming the first bad field
// ("l1d.assoc: ...", "dram: ..."), so the caller can map it to its own keys.
std::string validate(const CacheConfig& cfg, int cpus);

}  // namespace rcusim

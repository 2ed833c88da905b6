#include "models/cache/config.hpp"

#include <bit>

#include <fmt/format.h>

namespace rcusim {

namespace {
// Cachegrind's own floor: below 16 bytes one instruction could straddle three lines.
constexpr std::uint32_t kMinLine = 16;
constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 40;
}  // namespace

std::string validate(const LevelConfig& level, std::string_view name) {
  if (!std::has_single_bit(level.line) || level.line < kMinLine)
    return fmt::format("{}.line: {} is not a power of two >= {}", name, level.line, kMinLine);
  if (level.assoc == 0) return fmt::format("{}.assoc: must be at least 1", name);
  if (level.size == 0 || level.size > kMaxSize)
    return fmt::format("{}.size: {} is outside 1..{}", name, level.size, kMaxSize);
  const std::uint64_t way_bytes = std::uint64_t{level.assoc} * level.line;
  if (level.size % way_bytes != 0)
    return fmt::format("{}.size: {} is not a multiple of assoc x line = {}", name, level.size,
                       way_bytes);
  const std::uint64_t sets = level.size / way_bytes;
  if (!std::has_single_bit(sets))
    return fmt::format("{}.size: gives {} sets (size / (assoc x line)), not a power of two", name,
                       sets);
  if (level.hit_latency.v < 0) return fmt::format("{}.hit_latency: must not be negative", name);
  return {};
}

std::string validate(const CacheConfig& cfg, int cpus) {
  if (cpus < 1 || cpus > kMaxCacheCpus)
    return fmt::format("cpus: {} is outside 1..{}", cpus, kMaxCacheCpus);
  for (auto [level, name] :
       {std::pair{&cfg.l1i, "l1i"}, {&cfg.l1d, "l1d"}, {&cfg.l2, "l2"}, {&cfg.llc, "llc"}}) {
    if (level == &cfg.l2 && !cfg.l2_enabled) continue;
    if (auto err = validate(*level, name); !err.empty()) return err;
  }
  // The directory tracks private copies per line, so the private levels must agree on what a
  // line is once there is anybody to share with. One CPU keeps Cachegrind's freedom.
  if (cpus > 1 && cfg.l1i.line != cfg.l1d.line)
    return fmt::format("l1i.line: {} differs from l1d.line {} (the coherence granule)",
                       cfg.l1i.line, cfg.l1d.line);
  if (cpus > 1 && cfg.l2_enabled && cfg.l2.line != cfg.l1d.line)
    return fmt::format("l2.line: {} differs from l1d.line {} (the coherence granule)", cfg.l2.line,
                       cfg.l1d.line);
  if (cfg.dram.v < 0) return "dram: must not be negative";
  if (cfg.coherence_transfer.v < 0) return "coherence_transfer: must not be negative";
  if (cfg.indirect_mispredict.v < 0) return "indirect_mispredict: must not be negative";
  if (!std::has_single_bit(cfg.predictor_entries) || cfg.predictor_entries > (1u << 20))
    return fmt::format("predictor_entries: {} is not a power of two in 1..{}",
                       cfg.predictor_entries, 1u << 20);
  return {};
}

}  // namespace rcusim

#include "sim/scenario/host_memory.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace rcusim {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;
// Measured with /usr/bin/time on smoke.toml: about 40 MiB for one CPU (libraries, SimGrid, the
// kernel image) and 420 KiB more per CPU (statistics, trace buffers, actor, the touched stack).
constexpr std::uint64_t kBaseResident = 64 * kMiB, kBaseAddressSpace = 512 * kMiB;
constexpr std::uint64_t kPerCpuResident = 512 << 10;

// A level's tag array: one word per line, as SetAssocCache allocates it (models/cache/set_assoc).
std::uint64_t tag_bytes(const LevelConfig& l) { return l.line ? (l.size / l.line + 8) * 8 : 0; }

std::uint64_t sat_mul(std::uint64_t a, std::uint64_t b) {
  return b != 0 && a > ~std::uint64_t{0} / b ? ~std::uint64_t{0} : a * b;
}
std::uint64_t sat_add(std::uint64_t a, std::uint64_t b) {
  return a + b < a ? ~std::uint64_t{0} : a + b;
}

std::string human(std::uint64_t b) {
  if (b < kMiB) return fmt::format("{} KiB", (b + 1023) >> 10);
  if (b < (kMiB << 10)) return fmt::format("{:.0f} MiB", static_cast<double>(b) / kMiB);
  return fmt::format("{:.1f} GiB", static_cast<double>(b) / static_cast<double>(kMiB << 10));
}

// The largest object size a distribution gives (an exponential one: a generous tail).
std::uint64_t dist_max(const Dist& d) {
  switch (d.kind) {
    case Dist::Kind::constant: return static_cast<std::uint64_t>(std::max<std::int64_t>(d.a, 0));
    case Dist::Kind::uniform: return static_cast<std::uint64_t>(std::max<std::int64_t>(d.b, 0));
    case Dist::Kind::exponential:
      return sat_mul(static_cast<std::uint64_t>(std::max<std::int64_t>(d.a, 0)), 8);
  }
  return 0;
}

}  // namespace

std::uint64_t MemoryNeed::resident() const {
  std::uint64_t n = 0;
  for (const auto& p : parts) n = sat_add(n, p.resident);
  return n;
}
std::uint64_t MemoryNeed::address_space() const {
  std::uint64_t n = 0;
  for (const auto& p : parts) n = sat_add(n, p.address_space);
  return n;
}

MemoryNeed estimate_memory(const Config& c, std::uint64_t stack_bytes) {
  MemoryNeed need;
  const auto cpus = static_cast<std::uint64_t>(c.machine.cpus);
  need.parts.push_back({"the simulator itself", kBaseResident, kBaseAddressSpace});
  // SimGrid maps a stack (plus a guard page) per actor; only the pages used are touched.
  need.parts.push_back({"per-CPU state and actor stacks (machine.cpus x --cfg=contexts/stack-size)",
                        sat_mul(cpus, kPerCpuResident), sat_mul(cpus + 1, stack_bytes + 4096)});
  // The heap is one MAP_NORESERVE mapping of heap.size, its page array and its shadow words
  // (models/heap/heap.cpp): address space in full, memory only where objects are. What is
  // touched from the start is the table and its objects and the readers' data.
  const std::uint64_t heap = c.heap.size.bytes;
  std::uint64_t used = sat_mul(static_cast<std::uint64_t>(c.table.slots),
                               8 + std::min<std::uint64_t>(dist_max(c.objects.size.d), 1 << 20));
  for (const auto& w : c.workload) used = sat_add(used, w.data_footprint.bytes);
  used = std::min(used, heap);
  need.parts.push_back({"the simulated heap (heap.size; table.slots x objects.size in use)",
                        sat_add(used, used / 8), sat_add(sat_mul(heap, 2), heap / 64)});
  if (c.memory.model == "cache") {
    const CacheConfig cc = c.cache.to_cache();
    std::uint64_t priv = sat_add(tag_bytes(cc.l1i), tag_bytes(cc.l1d));
    if (cc.l2_enabled) priv = sat_add(priv, tag_bytes(cc.l2));
    const std::uint64_t tags = sat_add(sat_mul(cpus, priv), tag_bytes(cc.llc));
    need.parts.push_back(
        {"cache tag arrays (machine.cpus x cache.l1i/l1d/l2.size / line, cache.llc.size / line)",
         tags, tags});
    // The coherence directory: a word per line of memory touched (models/cache/line_table.hpp).
    if (cpus > 1) {
      const std::uint64_t dir = sat_mul(used / std::max<std::uint64_t>(cc.l1d.line, 1), 8);
      need.parts.push_back({"cache directory (memory in use / cache.l1d.line)", dir, dir});
    }
  }
  return need;
}

MemoryNeed estimate_cachesim_memory(const CacheConfig& c) {
  MemoryNeed need;
  need.parts.push_back({"the simulator itself", kBaseResident, kBaseAddressSpace});
  for (auto [level, name] : {std::pair{&c.l1i, "--I1"}, {&c.l1d, "--D1"}, {&c.llc, "--LL"}}) {
    const std::uint64_t b = tag_bytes(*level);
    need.parts.push_back({fmt::format("{} tag array (size / line)", name), b, b});
  }
  return need;
}

std::string memory_refusal(const MemoryNeed& need, const MemoryLimit& limit) {
  const bool over_res = need.resident() > limit.resident;
  const bool over_as = need.address_space() > limit.address_space;
  if (!over_res && !over_as) return {};
  auto parts = need.parts;
  std::sort(parts.begin(), parts.end(), [&](const MemoryPart& a, const MemoryPart& b) {
    return over_res ? a.resident > b.resident : a.address_space > b.address_space;
  });
  std::string msg =
      over_res ? fmt::format("needs about {} of host memory, more than the {} of {}",
                             human(need.resident()), human(limit.resident), limit.resident_source)
               : fmt::format(
                     "needs about {} of address space, more than RLIMIT_AS (ulimit -v) allows, {}",
                     human(need.address_space()), human(limit.address_space));
  msg += "; the largest parts:";
  for (std::size_t i = 0; i < parts.size() && i < 3; ++i)
    msg += fmt::format("\n  {:>10}  {}",
                       human(over_res ? parts[i].resident : parts[i].address_space), parts[i].what);
  msg += over_res
             ? "\nlower those keys, or raise the limit with --memory-limit SIZE if the host has it"
             : "\nlower those keys, or raise the address-space limit (ulimit -v)";
  return msg;
}

}  // namespace rcusim

// Per-callback figures for rcu_do_batch(): each invoked callback is charged what its CPU's
// counters (cycles, accesses by kind of memory, and with the cache model misses per level)
// advanced while it ran. Nothing runs between two callbacks, so the figures after one are those
// before the next: one snapshot per callback. Any flavour's rcu_do_batch() uses it the same way.
#pragma once
#include <array>
#include <cstring>

#include "models/cache/hierarchy.hpp"
#include "models/kernel/kernel.hpp"

namespace rcusim {

class CallbackCost {
 public:
  CallbackCost(Kernel& k, Cpu& cpu)
      : k_(k),
        cpu_(cpu),
        ctr_(k.mem->counters(cpu.id())),
        cc_(k.cache ? &k.cache->cache_counters(cpu.id()) : nullptr),
        t0_(cpu.now()),
        a0_(ctr_.accesses),
        c0_(ctr_.by_class) {
    if (!cc_) return;
    for (std::size_t l = 0; l < kCacheLevels; ++l) m0_[l] = cc_->levels[l].misses;
    coh0_ = cc_->coherence_misses;
  }

  // The callback just invoked went down path `p`: charge it the figures since the last one.
  void charge(Path p) {
    PathStats& ps = k_.stats.path[static_cast<std::size_t>(p)];
    const Cycles t1 = cpu_.now();
    ps.cycles += (t1 - t0_).v;
    t0_ = t1;
    ps.accesses += ctr_.accesses - a0_;
    a0_ = ctr_.accesses;
    add_since(ps.by_class, ctr_.by_class, c0_);
    if (!cc_) return;
    for (std::size_t l = 0; l < kCacheLevels; ++l)
      add_since(ps.misses[l], cc_->levels[l].misses, m0_[l]);
    add_since(ps.coherence_misses, cc_->coherence_misses, coh0_);
  }

 private:
  // sum += now - before; before = now. Runs per callback (and per cache level), so four
  // counters at a time (GCC's vector extension: AVX2 where the build has it, else pairs or
  // scalars).
  static void add_since(ClassCounts& sum, const ClassCounts& now, ClassCounts& before) {
    using V = std::uint64_t __attribute__((vector_size(32)));
    std::size_t i = 0;
    for (; i + 4 <= kMemClasses; i += 4) {
      V s, n, b;
      std::memcpy(&s, &sum[i], sizeof s);
      std::memcpy(&n, &now[i], sizeof n);
      std::memcpy(&b, &before[i], sizeof b);
      s += n - b;
      std::memcpy(&sum[i], &s, sizeof s);
      std::memcpy(&before[i], &n, sizeof n);
    }
    for (; i < kMemClasses; ++i) {
      const std::uint64_t v = now[i];
      sum[i] += v - before[i];
      before[i] = v;
    }
  }

  Kernel& k_;
  Cpu& cpu_;
  const AccessCounters& ctr_;
  const CacheCounters* cc_;
  Cycles t0_;
  std::uint64_t a0_;
  ClassCounts c0_;
  std::array<ClassCounts, kCacheLevels> m0_{};
  ClassCounts coh0_{};
};

}  // namespace rcusim

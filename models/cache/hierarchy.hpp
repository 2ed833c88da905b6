// The cache hierarchy behind MemoryCost: per-CPU L1I and L1D, an optional per-CPU L2, one shared
// LLC, DRAM behind it, a directory keeping the private levels coherent, and a per-CPU indirect
// branch predictor.
//
// Inclusion: non-inclusive, as Cachegrind (I1/D1, then LL on a miss). A miss fills every level it
// looked in; an eviction never reaches into another level; writebacks are not modelled. With the
// L2 off and one CPU this is exactly Cachegrind's simulator, which tests check against its output.
//
// Coherence (more than one CPU): a write to a line other CPUs hold in L1I/L1D/L2 invalidates
// their copies; their next reference to it is a coherence miss. A private miss on a line another
// CPU holds modified, or holds clean while the LLC has lost it, is served cache-to-cache and costs
// coherence_transfer instead of the LLC or DRAM latency.
#pragma once
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "models/cache/config.hpp"
#include "models/cache/counters.hpp"
#include "models/cache/directory.hpp"
#include "models/cache/predictor.hpp"
#include "models/cache/set_assoc.hpp"
#include "models/memory/cost.hpp"

namespace rcusim {

class CacheHierarchy final : public MemoryCost {
 public:
  // Throws std::invalid_argument carrying validate()'s message if `cfg` does not fit `cpus`.
  CacheHierarchy(int cpus, CacheConfig cfg);

  // Splits [addr, addr + size) at L1 line boundaries and references each line in turn: the cost
  // is the sum of the lines' latencies, one access is counted, hits/misses are counted per line.
  Cycles access(int cpu, Addr addr, std::uint32_t size, AccessKind kind, MemClass cls) override;
  Cycles indirect_call(int cpu, Addr site, Addr target) override;
  const AccessCounters& counters(int cpu) const override { return cache_counters(cpu).access; }
  void expect(int cpu, Addr addr) override;

  // A code fetch that finds each of its lines at the MRU way of its L1I set changes no cache
  // state (most fetches: the same kernel functions run again and again). Such a fetch is counted
  // here, inline in the caller, and `cost` is what access() would have returned. Any other fetch
  // returns false and changes nothing; access() then does it. (Data accesses are left to
  // access(): few of them hit at MRU, and the check cost more than it saved.)
  bool fetch_at_mru(int cpu, Addr addr, std::uint32_t size, MemClass cls, Cycles& cost) {
    if (cpu < 0 || cpu >= cpus_) return false;
    const Private* p = private_[static_cast<std::size_t>(cpu)].get();
    if (p == nullptr) return false;
    const std::uint64_t first = p->l1i.line_of(addr), end = p->l1i.line_of(last_byte(addr, size));
    for (std::uint64_t line = first; line <= end; ++line)
      if (!p->l1i.at_mru(line)) return false;
    const auto n = static_cast<std::int64_t>(end - first + 1);
    CacheCounters& k = counters_[static_cast<std::size_t>(cpu)];
    k.level(CacheLevel::l1i).hits[static_cast<std::size_t>(cls)] += static_cast<std::uint64_t>(n);
    cost = cfg_.l1i.hit_latency * n;
    counted(k, cls, cost);
    return true;
  }

  // One reference as Cachegrind counts it: the whole range goes to each level together and
  // misses there if any of its lines does; the cost is the latency of the level that held it all.
  Cycles reference(int cpu, Addr addr, std::uint32_t size, AccessKind kind, MemClass cls);

  const CacheCounters& cache_counters(int cpu) const;
  const CacheConfig& config() const { return cfg_; }
  int cpus() const { return cpus_; }
  // Whether `level` of `cpu` (the LLC ignores `cpu`) holds the line containing `addr`.
  bool holds(int cpu, CacheLevel level, Addr addr) const;
  // Host memory the coherence directory takes (zero with one CPU).
  std::size_t directory_bytes() const { return dir_.bytes(); }
  // CPUs whose private caches exist: those that have accessed memory or made an indirect call.
  std::size_t cpus_with_caches() const;

 private:
  struct Private {
    Private(const CacheConfig& cfg, HostArena& arena);
    SetAssocCache l1i, l1d;
    std::optional<SetAssocCache> l2;
    IndirectPredictor predictor;
  };
  enum class Range : std::uint8_t { hit, miss, coherence_miss };

  static bool is_write(AccessKind k) { return k == AccessKind::write || k == AccessKind::modify; }
  // The last byte of an access; an empty access touches its first byte, one past the top of the
  // address space is clamped to it.
  static Addr last_byte(Addr addr, std::uint32_t size) {
    const Addr last = addr + (size > 0 ? size - 1 : 0);
    return last < addr ? ~Addr{0} : last;
  }

  // Built on a CPU's first use: 4096 idle CPUs must not cost 4096 L2 tag arrays.
  Private& priv(int cpu) {
    Private* p = private_[static_cast<std::size_t>(cpu)].get();
    return p != nullptr ? *p : make_private(cpu);
  }
  [[gnu::noinline]] Private& make_private(int cpu);
  void check_cpu(int cpu) const {
    if (cpu < 0 || cpu >= cpus_) bad_cpu(cpu);
  }
  [[noreturn]] void bad_cpu(int cpu) const;

  Cycles walk(int cpu, Addr first, Addr last, AccessKind kind, MemClass cls);
  static Cycles counted(CacheCounters& k, MemClass cls, Cycles cost);
  [[gnu::always_inline]] inline void prefetch_below_l1(const Private& p, Addr a);
  Cycles below_l1(int cpu, Private& p, Addr first, Addr last, MemClass cls, bool l1_coherence_miss);
  [[gnu::always_inline]] inline Cycles line_below_l1(int cpu, Private& p, CacheCounters& k,
                                                     std::uint64_t line, std::size_t c,
                                                     bool coherence_miss, bool rfo);
  static Range ref_range(SetAssocCache& level, Addr first, Addr last);
  Cycles private_miss(int cpu, Addr first, Addr last, MemClass cls, bool coherence_miss);
  void take_ownership(int cpu, Private& p, Addr first, Addr last);

  // What the directory asks of and does to a CPU's private copies (see Directory).
  friend class Directory<CacheHierarchy>;
  bool holds(int cpu, std::uint64_t line) const;
  bool drop(int cpu, std::uint64_t line);
  bool share(int cpu, std::uint64_t line);
  void prefetch(int cpu, std::uint64_t line) const;
  bool holds_beyond_l1d(const Private& p, std::uint64_t line) const;  // in its L2 or L1I

  // Whether `line` may be in some CPU's L1I: only instruction fetches fill it, and they all fell
  // in [code_lo_, code_hi_] (kernel and module text), so a probe of a data line skips the L1I.
  bool maybe_code(std::uint64_t line) const { return line >= code_lo_ && line <= code_hi_; }
  void note_code(std::uint64_t line) {
    code_lo_ = std::min(code_lo_, line);
    code_hi_ = std::max(code_hi_, line);
  }

  CacheConfig cfg_;
  int cpus_;
  std::uint64_t code_lo_ = ~std::uint64_t{0}, code_hi_ = 0;  // empty until the first fetch
  bool coherent_;       // more than one CPU: keep the directory
  bool uniform_lines_;  // every level has one line size: below the L1 a piece is one line
  HostArena arena_;     // every tag array and directory page: declared before what lives in it
  std::vector<std::unique_ptr<Private>> private_;
  SetAssocCache llc_;
  Directory<CacheHierarchy> dir_;
  std::vector<CacheCounters> counters_;
};

}  // namespace rcusim

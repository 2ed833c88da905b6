// The CPUs that may hold a line in their private levels, and whether one of them holds it
// modified, packed into one 64-bit word so that the directory stays small. Up to 64 CPUs: one bit
// per CPU. More CPUs: up to three exact CPU ids, then a coarse vector of 63 CPU groups (cpu % 63),
// as in the SGI Origin directory. The set may over-approximate (a CPU is not removed when it
// evicts the line), so callers probe the CPUs' caches before acting on a member.
//
// A modified line has a single holder, its writer. With one bit per CPU the word "every CPU but
// c" stands for "modified by c": a clean set of 63 CPUs is widened to all 64 (allowed, it is an
// over-approximation), so no clean set takes that form. Wider machines use a flag bit.
#pragma once
#include <cstdint>

namespace rcusim {

class Holders {
 public:
  explicit Holders(int cpus) : cpus_(cpus), wide_(cpus > kBits) {}

  // The set holding `cpu` alone, clean.
  std::uint64_t only(int cpu) const {
    return wide_ ? append(0, cpu) : bit(static_cast<unsigned>(cpu));
  }
  // Written by `cpu`, which holds the only copy, modified.
  std::uint64_t owned_by(int cpu) const {
    return wide_ ? append(0, cpu) | kModified : ~bit(static_cast<unsigned>(cpu));
  }
  bool modified(std::uint64_t w) const {
    if (wide_) return (w & (kCoarse | kModified)) == kModified;  // coarse: bit 62 is a group
    const std::uint64_t others = ~w;  // one bit: every CPU but the writer
    return others != 0 && (others & (others - 1)) == 0;
  }
  // The writer of a modified set.
  int owner(std::uint64_t w) const {
    return wide_ ? static_cast<int>(w & 0xffff) : __builtin_ctzll(~w);
  }
  // A modified set once written back or shared: the writer, clean.
  std::uint64_t clean(std::uint64_t w) const { return modified(w) ? only(owner(w)) : w; }

  // The clean set `w` with `cpu` added. still_holds(cpu) lets a full exact set drop stale ids
  // before it turns coarse.
  template <class Probe>
  std::uint64_t add(std::uint64_t w, int cpu, Probe&& still_holds) const {
    if (!wide_) {
      w |= bit(static_cast<unsigned>(cpu));
      return modified(w) ? ~std::uint64_t{0} : w;  // 63 CPUs: widened to all, see above
    }
    if (w & kCoarse) return w | group(cpu);
    if (any(w, [&](int h) { return h == cpu; })) return w;
    if (count(w) == 3) {
      std::uint64_t kept = 0;
      any(w, [&](int h) {
        kept = still_holds(h) ? append(kept, h) : kept;
        return false;
      });
      w = kept;
    }
    if (count(w) < 3) return append(w, cpu);
    std::uint64_t coarse = kCoarse | group(cpu);
    any(w, [&](int h) {
      coarse |= group(h);
      return false;
    });
    return coarse;
  }

  // Calls f(cpu) for each possible member until f returns true; returns whether one did.
  template <class F>
  bool any(std::uint64_t w, F&& f) const {
    if (modified(w)) return f(owner(w));
    if (!wide_) {
      for (; w != 0; w &= w - 1)
        if (f(__builtin_ctzll(w))) return true;
      return false;
    }
    if (!(w & kCoarse)) {  // exact ids
      for (unsigned i = 0; i < count(w); ++i)
        if (f(static_cast<int>((w >> (16 * i)) & 0xffff))) return true;
      return false;
    }
    for (std::uint64_t m = w & ~kCoarse; m != 0; m &= m - 1)
      for (int cpu = __builtin_ctzll(m); cpu < cpus_; cpu += kGroups)
        if (f(cpu)) return true;
    return false;
  }

 private:
  static constexpr int kBits = 64;
  static constexpr int kGroups = 63;
  static constexpr std::uint64_t kCoarse = std::uint64_t{1} << 63;
  static constexpr std::uint64_t kModified = std::uint64_t{1} << 62;  // wide: with one exact id

  static std::uint64_t bit(unsigned i) { return std::uint64_t{1} << i; }
  static std::uint64_t group(int cpu) { return bit(static_cast<unsigned>(cpu % kGroups)); }
  static unsigned count(std::uint64_t w) { return static_cast<unsigned>(w >> 48) & 3; }
  static std::uint64_t append(std::uint64_t w, int cpu) {
    const unsigned n = count(w);
    return (w & ~(std::uint64_t{3} << 48)) | (static_cast<std::uint64_t>(cpu) << (16 * n)) |
           (std::uint64_t{n + 1} << 48);
  }

  int cpus_;
  bool wide_;
};

}  // namespace rcusim

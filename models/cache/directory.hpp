// The coherence directory: for each line some CPU may hold in its private levels (L1I, L1D, L2),
// the possible holders and whether the last writer still holds it modified. Invalidation-based
// MESI, reduced to what costs and counts need. It is consulted only on private misses and on
// writes to lines the writer does not already own, never on a hit.
//
// Holder sets are lazy: an eviction does not update them, so they may name CPUs that have since
// dropped the line. Every decision probes the named CPUs' caches first (`Copies::holds`), so
// a stale member changes no outcome: it costs a probe, and is cleared by the next write to the
// line or when an exact set fills up. An eviction costs nothing.
#pragma once
#include <cstdint>

#include "models/cache/holders.hpp"
#include "models/cache/line_table.hpp"

namespace rcusim {

// What the directory needs to know about, and do to, the CPUs' private levels: `Copies` has
//   bool holds(int cpu, std::uint64_t line) const;
//   // A remote write invalidates it: whether a valid copy was there (holds() before the drop).
//   bool drop(int cpu, std::uint64_t line);
//   // Another CPU reads `line`: if `cpu` holds it, it supplies it and keeps a shared copy
//   // (M -> S). Whether it held it: holds() and the downgrade in one probe.
//   bool share(int cpu, std::uint64_t line);
//   // A host-side hint that `cpu`'s copies of `line` are about to be looked at; changes nothing.
//   void prefetch(int cpu, std::uint64_t line) const;
// A template rather than an interface: these run a few times per simulated miss, and inline.
template <class Copies>
class Directory {
 public:
  // Directory pages come from `arena`.
  Directory(int cpus, Copies& copies, HostArena& arena)
      : holders_(cpus), copies_(copies), lines_(arena) {}

  struct Fill {
    bool from_owner = false;      // another CPU held it modified and supplied it (now shared)
    bool held_elsewhere = false;  // another CPU holds a copy (asked only if ask_elsewhere)
  };
  // `cpu` brought `line` into its private levels after missing in all of them.
  Fill fill(int cpu, std::uint64_t line, bool ask_elsewhere) {
    std::uint64_t& w = lines_[line];
    Fill f;
    if (holders_.modified(w)) {
      // The writer supplies the line if it still has it. If it is gone from the writer's caches,
      // it was written back; that includes `cpu` itself refilling a line it wrote and evicted.
      if (const int owner = holders_.owner(w); owner != cpu && copies_.share(owner, line))
        f.from_owner = true;
      w = holders_.clean(w);  // writebacks cost nothing here
    }
    if (ask_elsewhere && !f.from_owner) {
      f.held_elsewhere = holders_.any(w, [&](int h) { return h != cpu && copies_.holds(h, line); });
    }
    w = holders_.add(w, cpu, [&](int h) { return copies_.holds(h, line); });
    return f;
  }

  // fill(cpu, line, ask_elsewhere) then write(cpu, line), for a write that missed in all of
  // `cpu`'s private levels: the same outcome in one pass over the holders. Each other copy is
  // dropped at once, its drop telling whether it was there (the share() a fill would do first
  // leaves nothing the drop does not remove).
  Fill fill_for_write(int cpu, std::uint64_t line, bool ask_elsewhere) {
    std::uint64_t& w = lines_[line];
    Fill f;
    if (holders_.modified(w)) {
      if (const int owner = holders_.owner(w); owner != cpu)
        f.from_owner = copies_.drop(owner, line);
    } else {
      holders_.any(w, [&](int h) {
        if (h != cpu && copies_.drop(h, line)) f.held_elsewhere = ask_elsewhere;
        return false;
      });
    }
    w = holders_.owned_by(cpu);
    return f;
  }

  // `cpu` writes `line` (read for ownership): every other copy is invalidated.
  void write(int cpu, std::uint64_t line) {
    std::uint64_t& w = lines_[line];
    holders_.any(w, [&](int h) {
      if (h != cpu) copies_.drop(h, line);
      return false;
    });
    w = holders_.owned_by(cpu);
  }

  // A host-side hint: `line` will be filled or written soon. Changes nothing.
  void prefetch(std::uint64_t line) { lines_.prefetch(line); }
  // A host-side hint, once `cpu` has missed `line` privately: if another CPU wrote it, fill()
  // will probe that CPU's caches, so the host starts fetching them now. Changes nothing.
  void prefetch_writer(int cpu, std::uint64_t line) {
    const std::uint64_t* w = lines_.peek(line);
    if (w == nullptr || !holders_.modified(*w)) return;
    if (const int owner = holders_.owner(*w); owner != cpu) copies_.prefetch(owner, line);
  }

  // Host memory the lines' states take.
  std::size_t bytes() const { return lines_.bytes(); }

 private:
  // The holders' tag sets are not prefetched before a probe: on bench_64cpu that cost ~500 host
  // instructions per object and saved no time (most sets named are the caller's own or few).
  Holders holders_;
  Copies& copies_;
  LineTable lines_;
};

}  // namespace rcusim

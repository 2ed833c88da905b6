#include "models/cache/hierarchy.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rcusim {

namespace {
CacheConfig checked(CacheConfig cfg, int cpus) {
  if (std::string err = validate(cfg, cpus); !err.empty()) throw std::invalid_argument(err);
  return cfg;
}
}  // namespace

CacheHierarchy::Private::Private(const CacheConfig& cfg, HostArena& arena)
    : l1i(cfg.l1i, arena), l1d(cfg.l1d, arena), predictor(cfg.predictor_entries) {
  if (cfg.l2_enabled) l2.emplace(cfg.l2, arena);
}

CacheHierarchy::CacheHierarchy(int cpus, CacheConfig cfg)
    : cfg_(checked(cfg, cpus)),
      cpus_(cpus),
      coherent_(cpus > 1),
      uniform_lines_(cfg_.l1i.line == cfg_.l1d.line && cfg_.llc.line == cfg_.l1d.line &&
                     (!cfg_.l2_enabled || cfg_.l2.line == cfg_.l1d.line)),
      private_(static_cast<std::size_t>(cpus)),
      llc_(cfg_.llc, arena_),
      dir_(cpus, *this, arena_),
      counters_(static_cast<std::size_t>(cpus)) {}

CacheHierarchy::Private& CacheHierarchy::make_private(int cpu) {
  return *(private_[static_cast<std::size_t>(cpu)] = std::make_unique<Private>(cfg_, arena_));
}

void CacheHierarchy::bad_cpu(int cpu) const {
  throw std::out_of_range("cache: cpu " + std::to_string(cpu) + " of " + std::to_string(cpus_));
}

const CacheCounters& CacheHierarchy::cache_counters(int cpu) const {
  check_cpu(cpu);
  return counters_[static_cast<std::size_t>(cpu)];
}

// Whatever the L2 says, its set, the LLC's and the directory's entry are looked at next or
// soon: their host misses overlap instead of following one another.
void CacheHierarchy::prefetch_below_l1(const Private& p, Addr a) {
  if (p.l2) p.l2->prefetch(p.l2->line_of(a));
  llc_.prefetch(llc_.line_of(a));
  if (coherent_) dir_.prefetch(p.l1d.line_of(a));
}

// below_l1() and private_miss() for one line, when every level has the L1's line size (always
// so with several CPUs, see validate()): the same references in the same order, each set found
// once, and its host fetch started before the first lookup. A write (rfo) that misses every
// private level also takes ownership here, in the same directory lookup as the fill.
Cycles CacheHierarchy::line_below_l1(int cpu, Private& p, CacheCounters& k, std::uint64_t line,
                                     std::size_t c, bool coherence_miss, bool rfo) {
  std::uint64_t* const l2_set = p.l2 ? p.l2->set_of(line) : nullptr;
  std::uint64_t* const llc_set = llc_.set_of(line);
  if (l2_set != nullptr) p.l2->prefetch(l2_set);
  llc_.prefetch(llc_set);
  if (coherent_) {
    dir_.prefetch(line);
    dir_.prefetch_writer(cpu, line);
  }
  if (l2_set != nullptr) {
    LevelCounters& k2 = k.level(CacheLevel::l2);
    const SetAssocCache::Ref r2 = p.l2->ref(l2_set, line);
    if (r2 == SetAssocCache::Ref::hit) {
      ++k2.hits[c];
      return cfg_.l2.hit_latency;
    }
    ++k2.misses[c];
    coherence_miss |= r2 == SetAssocCache::Ref::coherence_miss;
  }
  const bool llc_hit = llc_.ref(llc_set, line) == SetAssocCache::Ref::hit;
  ++(llc_hit ? k.level(CacheLevel::llc).hits : k.level(CacheLevel::llc).misses)[c];
  const Cycles cost = llc_hit ? cfg_.llc.hit_latency : cfg_.dram;
  if (!coherent_) return cost;
  if (coherence_miss) ++k.coherence_misses[c];
  Directory<CacheHierarchy>::Fill f;
  if (rfo) {
    f = dir_.fill_for_write(cpu, line, !llc_hit);
    p.l1d.own_mru(line);  // the L1D reference that missed made it MRU
  } else {
    f = dir_.fill(cpu, line, !llc_hit);
  }
  if (!f.from_owner && !f.held_elsewhere) return cost;
  ++k.transfers[c];
  return cfg_.coherence_transfer;
}

// The hot path of the simulator: the L1 lookup and its hit are inline here, one line at a time;
// all levels share the L1's line size when there are several CPUs, so below the L1 each piece is
// one line too (one CPU may have other sizes, which walk() handles).
Cycles CacheHierarchy::access(int cpu, Addr addr, std::uint32_t size, AccessKind kind,
                              MemClass cls) {
  check_cpu(cpu);
  Private& p = priv(cpu);
  CacheCounters& k = counters_[static_cast<std::size_t>(cpu)];
  const auto c = static_cast<std::size_t>(cls);
  const bool ifetch = kind == AccessKind::ifetch;
  SetAssocCache& l1 = ifetch ? p.l1i : p.l1d;
  LevelCounters& k1 = k.level(ifetch ? CacheLevel::l1i : CacheLevel::l1d);
  const Cycles hit = ifetch ? cfg_.l1i.hit_latency : cfg_.l1d.hit_latency;
  const bool rfo = coherent_ && is_write(kind);
  const Addr last = last_byte(addr, size);
  const std::uint64_t end = l1.line_of(last);
  Cycles cost;
  for (std::uint64_t line = l1.line_of(addr);; ++line) {
    if (const SetAssocCache::Ref r = l1.ref(line); r == SetAssocCache::Ref::hit) {
      ++k1.hits[c];
      cost += hit;
    } else {
      ++k1.misses[c];
      if (ifetch) note_code(line);
      const bool coherence_miss = r == SetAssocCache::Ref::coherence_miss;
      if (uniform_lines_) {
        cost += line_below_l1(cpu, p, k, line, c, coherence_miss, rfo);
      } else {
        const Addr from = std::max(addr, l1.first_byte(line));
        prefetch_below_l1(p, from);
        cost += below_l1(cpu, p, from, std::min(last, l1.last_byte(line)), cls, coherence_miss);
      }
    }
    if (rfo && !p.l1d.owned_mru(line)) {  // read for ownership (l1 is the L1D)
      dir_.write(cpu, line);
      p.l1d.own_mru(line);
    }
    if (line == end) break;
  }
  return counted(k, cls, cost);
}

Cycles CacheHierarchy::reference(int cpu, Addr addr, std::uint32_t size, AccessKind kind,
                                 MemClass cls) {
  check_cpu(cpu);
  const Cycles cost = walk(cpu, addr, last_byte(addr, size), kind, cls);
  return counted(counters_[static_cast<std::size_t>(cpu)], cls, cost);
}

// One access of class `cls` that cost `cost`, in what MemoryCost::counters() reports.
Cycles CacheHierarchy::counted(CacheCounters& k, MemClass cls, Cycles cost) {
  ++k.access.accesses;
  ++k.access.by_class[static_cast<std::size_t>(cls)];
  k.access.cycles += cost.v;
  return cost;
}

Cycles CacheHierarchy::walk(int cpu, Addr first, Addr last, AccessKind kind, MemClass cls) {
  Private& p = priv(cpu);
  const bool ifetch = kind == AccessKind::ifetch;
  LevelCounters& k1 =
      counters_[static_cast<std::size_t>(cpu)].level(ifetch ? CacheLevel::l1i : CacheLevel::l1d);
  Cycles cost;
  if (const Range r1 = ref_range(ifetch ? p.l1i : p.l1d, first, last); r1 == Range::hit) {
    ++k1.hits[static_cast<std::size_t>(cls)];
    cost = ifetch ? cfg_.l1i.hit_latency : cfg_.l1d.hit_latency;
  } else {
    ++k1.misses[static_cast<std::size_t>(cls)];
    if (ifetch) {
      note_code(p.l1i.line_of(first));
      note_code(p.l1i.line_of(last));
    }
    prefetch_below_l1(p, first);
    cost = below_l1(cpu, p, first, last, cls, r1 == Range::coherence_miss);
  }
  if (coherent_ && is_write(kind)) take_ownership(cpu, p, first, last);
  return cost;
}

void CacheHierarchy::expect(int cpu, Addr addr) {
  check_cpu(cpu);
  const Private* p = private_[static_cast<std::size_t>(cpu)].get();
  if (p == nullptr) return;  // a hint builds no caches
  p->l1d.prefetch(p->l1d.line_of(addr));
  prefetch_below_l1(*p, addr);
}

// The L1 missed (and the state below it was prefetched): the L2 if there is one, then the LLC,
// DRAM or another CPU.
Cycles CacheHierarchy::below_l1(int cpu, Private& p, Addr first, Addr last, MemClass cls,
                                bool l1_coherence_miss) {
  if (coherent_) dir_.prefetch_writer(cpu, p.l1d.line_of(first));
  if (!p.l2) return private_miss(cpu, first, last, cls, l1_coherence_miss);
  LevelCounters& k2 = counters_[static_cast<std::size_t>(cpu)].level(CacheLevel::l2);
  const auto c = static_cast<std::size_t>(cls);
  const Range r2 = ref_range(*p.l2, first, last);
  if (r2 == Range::hit) {
    ++k2.hits[c];
    return cfg_.l2.hit_latency;
  }
  ++k2.misses[c];
  return private_miss(cpu, first, last, cls, l1_coherence_miss || r2 == Range::coherence_miss);
}

// Cachegrind's rule for one level: every line of the range is referenced (each updates LRU state)
// and the range misses if any line does.
CacheHierarchy::Range CacheHierarchy::ref_range(SetAssocCache& level, Addr first, Addr last) {
  const std::uint64_t end = level.line_of(last);
  Range r = Range::hit;
  for (std::uint64_t line = level.line_of(first);; ++line) {
    const SetAssocCache::Ref one = level.ref(line);
    if (one == SetAssocCache::Ref::coherence_miss)
      r = Range::coherence_miss;
    else if (one == SetAssocCache::Ref::miss && r == Range::hit)
      r = Range::miss;
    if (line == end) return r;
  }
}

// The line is in none of this CPU's private levels: the LLC, DRAM or another CPU supplies it.
Cycles CacheHierarchy::private_miss(int cpu, Addr first, Addr last, MemClass cls,
                                    bool coherence_miss) {
  CacheCounters& k = counters_[static_cast<std::size_t>(cpu)];
  const auto c = static_cast<std::size_t>(cls);
  const bool llc_hit = ref_range(llc_, first, last) == Range::hit;
  ++(llc_hit ? k.level(CacheLevel::llc).hits : k.level(CacheLevel::llc).misses)[c];
  const Cycles cost = llc_hit ? cfg_.llc.hit_latency : cfg_.dram;
  if (!coherent_) return cost;
  if (coherence_miss) ++k.coherence_misses[c];
  bool transfer = false;
  const SetAssocCache& granule = priv(cpu).l1d;
  for (std::uint64_t line = granule.line_of(first); line <= granule.line_of(last); ++line) {
    // A modified copy elsewhere is the only valid one; a clean one beats going to DRAM.
    const auto f = dir_.fill(cpu, line, !llc_hit);
    transfer |= f.from_owner || f.held_elsewhere;
  }
  if (!transfer) return cost;
  ++k.transfers[c];
  return cfg_.coherence_transfer;
}

// Read for ownership: unless this CPU's L1D already has the line exclusive, every other copy goes.
void CacheHierarchy::take_ownership(int cpu, Private& p, Addr first, Addr last) {
  for (std::uint64_t line = p.l1d.line_of(first); line <= p.l1d.line_of(last); ++line) {
    if (p.l1d.owned(line)) continue;
    dir_.write(cpu, line);
    p.l1d.set_owned(line, true);
  }
}

bool CacheHierarchy::holds(int cpu, std::uint64_t line) const {
  const Private* p = private_[static_cast<std::size_t>(cpu)].get();
  if (p == nullptr) return false;
  // Data lines are what the directory mostly asks about: a copy is in the L1D or, once evicted
  // from it, often still in the L2, whose set the host fetches meanwhile.
  if (p->l2) p->l2->prefetch(line);
  return p->l1d.contains(line) || holds_beyond_l1d(*p, line);
}

bool CacheHierarchy::holds_beyond_l1d(const Private& p, std::uint64_t line) const {
  return (p.l2 && p.l2->contains(line)) || (maybe_code(line) && p.l1i.contains(line));
}

// A coarse holder set names CPUs that never ran: those have no caches to probe, and get none.
bool CacheHierarchy::drop(int cpu, std::uint64_t line) {
  Private* p = private_[static_cast<std::size_t>(cpu)].get();
  if (p == nullptr) return false;
  bool held = p->l1d.invalidate(line);
  if (maybe_code(line)) held |= p->l1i.invalidate(line);
  if (p->l2) held |= p->l2->invalidate(line);
  return held;
}

void CacheHierarchy::prefetch(int cpu, std::uint64_t line) const {
  const Private* p = private_[static_cast<std::size_t>(cpu)].get();
  if (p == nullptr) return;
  p->l1d.prefetch(line);
  if (maybe_code(line)) p->l1i.prefetch(line);
  if (p->l2) p->l2->prefetch(line);
}

bool CacheHierarchy::share(int cpu, std::uint64_t line) {
  Private* p = private_[static_cast<std::size_t>(cpu)].get();
  if (p == nullptr) return false;
  if (p->l2) p->l2->prefetch(line);
  // Ownership is kept in the L1D only: a copy in the L2 or L1I alone is already shared.
  return p->l1d.set_owned(line, false) || holds_beyond_l1d(*p, line);
}

Cycles CacheHierarchy::indirect_call(int cpu, Addr site, Addr target) {
  check_cpu(cpu);
  CacheCounters& k = counters_[static_cast<std::size_t>(cpu)];
  ++k.indirect_calls;
  if (priv(cpu).predictor.predict(site, target)) return Cycles{0};
  ++k.mispredicts;
  k.access.cycles += cfg_.indirect_mispredict.v;
  return cfg_.indirect_mispredict;
}

std::size_t CacheHierarchy::cpus_with_caches() const {
  return static_cast<std::size_t>(
      std::count_if(private_.begin(), private_.end(), [](const auto& p) { return p != nullptr; }));
}

bool CacheHierarchy::holds(int cpu, CacheLevel level, Addr addr) const {
  if (level == CacheLevel::llc) return llc_.contains(llc_.line_of(addr));
  check_cpu(cpu);
  const Private* p = private_[static_cast<std::size_t>(cpu)].get();
  if (p == nullptr) return false;
  const SetAssocCache* c = level == CacheLevel::l1i   ? &p->l1i
                           : level == CacheLevel::l1d ? &p->l1d
                           : p->l2                    ? &*p->l2
                                                      : nullptr;
  return c != nullptr && c->contains(c->line_of(addr));
}

}  // namespace rcusim

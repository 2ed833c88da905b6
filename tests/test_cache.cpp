// The cache hierarchy: LRU and associativity, line straddling, write invalidation across CPUs,
// the indirect-call predictor, configuration errors, and agreement with Cachegrind on a real trace.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "models/cache/hierarchy.hpp"
#include "models/cache/holders.hpp"
#include "models/cache/host_arena.hpp"
#include "models/cache/replay.hpp"
#include "models/cache/set_assoc.hpp"
#include "sim/base/rng.hpp"
#include "sim/cli/cachesim.hpp"
#include "tests/set_assoc_model.hpp"

using namespace rcusim;

template <>
struct doctest::StringMaker<Cycles> {
  static doctest::String convert(Cycles c) { return (std::to_string(c.v) + " cycles").c_str(); }
};

namespace {

// Tiny levels so a handful of addresses fill a set: L1 8 sets x 2 ways, L2 16 x 4, LLC 64 x 4.
CacheConfig small_config() {
  CacheConfig c;
  c.l1i = {1024, 2, 64, Cycles{4}};
  c.l1d = {1024, 2, 64, Cycles{4}};
  c.l2 = {4096, 4, 64, Cycles{12}};
  c.llc = {16384, 4, 64, Cycles{42}};
  return c;
}

constexpr auto kR = AccessKind::read;
constexpr auto kW = AccessKind::write;
constexpr auto kCls = MemClass::rcu_head;
constexpr auto kC = static_cast<std::size_t>(kCls);

std::uint64_t l1d_misses(const CacheHierarchy& h, int cpu) {
  return h.cache_counters(cpu).level(CacheLevel::l1d).misses[kC];
}

// Two hierarchies fed the same stream counted the same hits and misses at every level, and the
// same coherence misses and transfers.
void check_same_levels(const CacheCounters& a, const CacheCounters& b) {
  for (std::size_t l = 0; l < kCacheLevels; ++l) {
    CHECK(a.levels[l].hits == b.levels[l].hits);
    CHECK(a.levels[l].misses == b.levels[l].misses);
  }
  CHECK(a.coherence_misses == b.coherence_misses);
  CHECK(a.transfers == b.transfers);
}

}  // namespace

TEST_CASE("cache: a set keeps LRU order and drops the LRU way on a conflict") {
  using Ref = SetAssocCache::Ref;
  HostArena arena;
  SetAssocCache c(LevelConfig{4 * 64 * 2, 4, 64, Cycles{4}}, arena);        // 2 sets x 4 ways
  for (std::uint64_t line : {0, 2, 4, 6}) CHECK(c.ref(line) == Ref::miss);  // set 0 fills
  CHECK(c.ref(0) == Ref::hit);   // 0 becomes MRU; 2 is now LRU
  CHECK(c.ref(8) == Ref::miss);  // assoc + 1 lines in one set
  CHECK_FALSE(c.contains(2));
  for (std::uint64_t line : {0, 4, 6, 8}) CHECK(c.contains(line));
  CHECK(c.ref(1) == Ref::miss);  // the other set is untouched by all this
  CHECK(c.contains(0));
  // An invalidated line keeps its tag at the LRU end: referencing it again is a coherence miss
  // that reuses its way, and evicts nothing else.
  CHECK(c.invalidate(4));
  CHECK_FALSE(c.invalidate(4));
  CHECK_FALSE(c.contains(4));
  CHECK(c.ref(4) == Ref::coherence_miss);
  for (std::uint64_t line : {0, 4, 6, 8}) CHECK(c.contains(line));
  // Invalidated ways are the first to be refilled: 6 is now LRU among the valid lines.
  CHECK(c.invalidate(0));
  CHECK(c.ref(10) == Ref::miss);
  for (std::uint64_t line : {4, 6, 8, 10}) CHECK(c.contains(line));
  CHECK(c.ref(0) == Ref::miss);  // the invalidated tag was reused by 10: an ordinary miss now
  CHECK_FALSE(c.contains(6));
}

TEST_CASE("cache: a direct-mapped set finds its own invalidated tag: a coherence miss") {
  using Ref = SetAssocCache::Ref;
  HostArena arena;
  SetAssocCache c(LevelConfig{4 * 64, 1, 64, Cycles{4}}, arena);  // 4 sets x 1 way
  CHECK(c.ref(5) == Ref::miss);
  CHECK(c.ref(5) == Ref::hit);
  CHECK(c.invalidate(5));
  CHECK(c.ref(5) == Ref::coherence_miss);  // its own tag, in the only way
  CHECK(c.ref(5) == Ref::hit);
  CHECK(c.ref(9) == Ref::miss);  // same set: 5 goes
  CHECK_FALSE(c.contains(5));
}

TEST_CASE("cache: the host arena hands out zeroed, line-aligned memory, chunk after chunk") {
  HostArena arena;
  std::vector<unsigned char*> blocks;
  for (std::size_t bytes : {1u, 100u, 4096u, 3u << 20, 64u}) {  // one bigger than a 2 MiB chunk
    auto* p = static_cast<unsigned char*>(arena.allocate(bytes));
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 64 == 0);
    CHECK(std::all_of(p, p + bytes, [](unsigned char b) { return b == 0; }));
    std::fill_n(p, bytes, 0xa5);  // blocks do not overlap: the checks above would see this
    blocks.push_back(p);
  }
  CHECK(blocks[1] - blocks[0] == 64);  // 1 byte takes one host line
}

TEST_CASE("cache: assoc + 1 lines in one L1D set evict the LRU one to the L2") {
  CacheHierarchy h(1, small_config());
  const Addr a = 0x10000, b = a + 512, c = a + 1024;  // 8 sets x 64 B: 512 B apart, same set
  const CacheConfig& cfg = h.config();
  CHECK(h.access(0, a, 8, kR, kCls) == cfg.dram);
  CHECK(h.access(0, b, 8, kR, kCls) == cfg.dram);
  CHECK(h.access(0, a, 8, kR, kCls) == cfg.l1d.hit_latency);  // a is MRU, b LRU
  CHECK(h.access(0, c, 8, kR, kCls) == cfg.dram);
  CHECK(h.holds(0, CacheLevel::l1d, a));
  CHECK_FALSE(h.holds(0, CacheLevel::l1d, b));
  CHECK(h.access(0, b, 8, kR, kCls) == cfg.l2.hit_latency);  // non-inclusive: the L2 kept it
  const CacheCounters& k = h.cache_counters(0);
  CHECK(k.level(CacheLevel::l1d).hits[kC] == 1);
  CHECK(k.level(CacheLevel::l1d).misses[kC] == 4);
  CHECK(k.level(CacheLevel::l2).hits[kC] == 1);
  CHECK(k.level(CacheLevel::llc).misses[kC] == 3);
  CHECK(k.access.accesses == 5);
  CHECK(k.access.by_class[kC] == 5);
  CHECK(k.access.cycles == 3 * cfg.dram.v + cfg.l1d.hit_latency.v + cfg.l2.hit_latency.v);
}

TEST_CASE("cache: an access straddling two lines touches both") {
  CacheHierarchy h(1, small_config());
  const Cycles dram = h.config().dram;
  // access(): each line is its own reference, so two misses and two DRAM latencies.
  CHECK(h.access(0, 0x1000 + 60, 8, kR, kCls) == dram * 2);
  CHECK(l1d_misses(h, 0) == 2);
  CHECK(h.holds(0, CacheLevel::l1d, 0x1000));
  CHECK(h.holds(0, CacheLevel::l1d, 0x1040));
  // reference(): Cachegrind's unit, one miss for the pair, but both lines are still filled.
  CHECK(h.reference(0, 0x2000 + 60, 8, kR, kCls) == dram);
  CHECK(l1d_misses(h, 0) == 3);
  CHECK(h.holds(0, CacheLevel::l1d, 0x2000));
  CHECK(h.holds(0, CacheLevel::l1d, 0x2040));
  CHECK(h.counters(0).accesses == 2);
  // A 300-byte function body is five lines: one access, five L1I references.
  h.access(0, 0x8000, 300, AccessKind::ifetch, MemClass::core_text);
  const auto text = static_cast<std::size_t>(MemClass::core_text);
  CHECK(h.cache_counters(0).level(CacheLevel::l1i).misses[text] == 5);
  CHECK(h.counters(0).accesses == 3);
  // An access running off the top of the address space stops at its last line.
  CHECK(h.access(0, ~Addr{0} - 3, 16, kR, kCls) == dram);
}

TEST_CASE("cache: a fetch counted inline at MRU is exactly what access() would do") {
  // Two hierarchies see the same stream of fetches, data reads and writes (some to code lines,
  // which invalidate L1I copies); one offers each fetch to fetch_at_mru() first, as Cpu does.
  CacheHierarchy plain(2, small_config()), fast(2, small_config());
  Rng rng(7, 1);
  int inline_fetches = 0, fallbacks = 0;
  for (int step = 0; step < 20000; ++step) {
    const int cpu = static_cast<int>(rng.next() % 2);
    const Addr a = 0x8000 + (rng.next() % 48) * 40;  // 48 overlapping "functions" in 30 lines
    const auto size = static_cast<std::uint32_t>(1 + rng.next() % 150);
    const std::uint64_t what = rng.next() % 10;
    const AccessKind kind = what < 7 ? AccessKind::ifetch : what < 9 ? kR : kW;
    const MemClass cls = kind == AccessKind::ifetch ? MemClass::core_text : kCls;
    const Cycles want = plain.access(cpu, a, size, kind, cls);
    Cycles got;
    if (kind == AccessKind::ifetch && fast.fetch_at_mru(cpu, a, size, cls, got)) {
      ++inline_fetches;
    } else {
      if (kind == AccessKind::ifetch) ++fallbacks;
      got = fast.access(cpu, a, size, kind, cls);
    }
    REQUIRE(got == want);
  }
  for (int cpu = 0; cpu < 2; ++cpu) {
    const CacheCounters &p = plain.cache_counters(cpu), &f = fast.cache_counters(cpu);
    CHECK(f.access.accesses == p.access.accesses);
    CHECK(f.access.cycles == p.access.cycles);
    CHECK(f.access.by_class == p.access.by_class);
    check_same_levels(f, p);
  }
  // Both paths ran many times, so the comparison covers each.
  CHECK(inline_fetches > 1000);
  CHECK(fallbacks > 1000);
  // A CPU that has no caches yet, or does not exist, is left to access().
  Cycles c;
  CHECK_FALSE(CacheHierarchy(4, small_config()).fetch_at_mru(3, 0x8000, 4, MemClass::core_text, c));
  CHECK_FALSE(fast.fetch_at_mru(2, 0x8000, 4, MemClass::core_text, c));
}

TEST_CASE("cache: access() below the L1 agrees with the general range path, line by line") {
  // With one line size everywhere, access() takes the one-line path below the L1, where a write
  // miss fills and takes ownership in one directory step; reference() takes the general path
  // (ranges, then take_ownership()). On accesses within one line both must do exactly the same.
  // Four CPUs share 96 data lines and 16 code lines in tiny caches: misses, transfers, sharing
  // and invalidations (of code too) all happen often.
  CacheHierarchy one_line(4, small_config()), general(4, small_config());
  Rng rng(11, 2);
  for (int step = 0; step < 40000; ++step) {
    const int cpu = static_cast<int>(rng.next() % 4);
    const std::uint64_t what = rng.next() % 10;
    const bool code = what < 3 || (what == 9 && rng.next() % 4 == 0);
    const Addr line = code ? 0x8000 + (rng.next() % 16) * 64 : 0x40000 + (rng.next() % 96) * 64;
    const Addr a = line + rng.next() % 64;
    const auto size = static_cast<std::uint32_t>(1 + rng.next() % (line + 64 - a));
    const AccessKind kind = what < 3   ? AccessKind::ifetch
                            : what < 6 ? kR
                            : what < 8 ? kW
                                       : AccessKind::modify;
    const MemClass cls = kind == AccessKind::ifetch ? MemClass::core_text : kCls;
    REQUIRE(one_line.access(cpu, a, size, kind, cls) == general.reference(cpu, a, size, kind, cls));
  }
  for (int cpu = 0; cpu < 4; ++cpu) {
    const CacheCounters &o = one_line.cache_counters(cpu), &g = general.cache_counters(cpu);
    CHECK(o.access.cycles == g.access.cycles);
    check_same_levels(o, g);
    CHECK(sum(o.transfers) > 100);  // the directory's paths were taken, not only the LLC's
    CHECK(sum(o.coherence_misses) > 100);
    for (Addr a = 0x8000; a < 0x40000 + 96 * 64; a += 64) {
      if (a == 0x8000 + 16 * 64) a = 0x40000;
      for (CacheLevel l : {CacheLevel::l1i, CacheLevel::l1d, CacheLevel::l2, CacheLevel::llc})
        REQUIRE(one_line.holds(cpu, l, a) == general.holds(cpu, l, a));
    }
  }
}

TEST_CASE("cache: a remote write invalidates, and the next miss is a coherence miss") {
  CacheHierarchy h(2, small_config());
  const CacheConfig& cfg = h.config();
  const Addr x = 0x40000;
  CHECK(h.access(0, x, 8, kR, kCls) == cfg.dram);
  CHECK(h.access(1, x, 8, kR, kCls) == cfg.llc.hit_latency);  // clean elsewhere, LLC has it
  CHECK(h.access(1, x, 8, kW, kCls) == cfg.l1d.hit_latency);  // upgrade: CPU 0 loses its copy
  CHECK_FALSE(h.holds(0, CacheLevel::l1d, x));
  CHECK_FALSE(h.holds(0, CacheLevel::l2, x));
  CHECK(h.holds(1, CacheLevel::l1d, x));
  // CPU 1 holds it modified: CPU 0's miss is served cache-to-cache.
  CHECK(h.access(0, x, 8, kR, kCls) == cfg.coherence_transfer);
  CHECK(h.cache_counters(0).coherence_misses[kC] == 1);
  CHECK(h.cache_counters(0).transfers[kC] == 1);
  CHECK(h.access(0, x, 8, kR, kCls) == cfg.l1d.hit_latency);
  // The transfer left CPU 1 shared, so its next write must invalidate CPU 0 again.
  h.access(1, x + 8, 8, kW, kCls);
  CHECK_FALSE(h.holds(0, CacheLevel::l1d, x));
  CHECK(h.access(0, x, 8, kR, kCls) == cfg.coherence_transfer);
  CHECK(h.cache_counters(0).coherence_misses[kC] == 2);
  // CPU 1 never lost a copy, and a private write costs a plain L1 hit.
  CHECK(h.cache_counters(1).coherence_misses[kC] == 0);
  CHECK(h.access(0, 0x50000, 8, kW, kCls) == cfg.dram);
  CHECK(h.access(0, 0x50000, 8, kW, kCls) == cfg.l1d.hit_latency);
}

TEST_CASE("cache: an evicted copy is not a coherence miss, and the owner still supplies it") {
  CacheConfig cfg = small_config();
  cfg.l2_enabled = false;
  CacheHierarchy h(2, cfg);
  const Addr x = 0x40000;
  h.access(0, x, 8, kR, kCls);
  for (Addr a = 0; a < 64 * 64; a += 64) h.access(0, 0x900000 + a, 8, kR, kCls);  // evicts x
  CHECK_FALSE(h.holds(0, CacheLevel::l1d, x));
  h.access(1, x, 8, kW, kCls);
  CHECK(h.access(0, x, 8, kR, kCls) == cfg.coherence_transfer);
  CHECK(h.cache_counters(0).coherence_misses[kC] == 0);
  CHECK(h.cache_counters(0).transfers[kC] == 1);
}

TEST_CASE("cache: a line its writer evicted and read back is clean: no transfer to a reader") {
  CacheHierarchy h(2, small_config());
  const CacheConfig& cfg = h.config();
  const Addr x = 0x200000;
  h.access(0, x, 8, kW, kCls);  // CPU 0 holds x modified
  // Lines 1 KiB apart share x's L1D set (2 ways) and L2 set (4 ways), but not its LLC set: these
  // four push x out of CPU 0's private levels, so it was written back, and the LLC keeps it.
  for (Addr k : {1, 2, 3, 5}) h.access(0, x + k * 1024, 8, kR, kCls);
  CHECK_FALSE(h.holds(0, CacheLevel::l1d, x));
  CHECK_FALSE(h.holds(0, CacheLevel::l2, x));
  CHECK(h.holds(0, CacheLevel::llc, x));
  CHECK(h.access(0, x, 8, kR, kCls) == cfg.llc.hit_latency);  // read back, clean
  CHECK(h.access(1, x, 8, kR, kCls) == cfg.llc.hit_latency);  // not cfg.coherence_transfer
  CHECK(h.cache_counters(1).transfers[kC] == 0);
}

TEST_CASE("cache: a clean copy in another CPU beats DRAM once the LLC has lost the line") {
  CacheHierarchy h(2, small_config());
  const CacheConfig& cfg = h.config();
  const Addr x = 0x40000;
  h.access(0, x, 8, kR, kCls);
  // 64 LLC sets x 64 B: lines 4 KiB apart share x's LLC set; four of them push x out of it.
  for (Addr k = 1; k <= 4; ++k) h.access(1, x + k * 4096, 8, kR, kCls);
  CHECK_FALSE(h.holds(0, CacheLevel::llc, x));
  CHECK(h.holds(0, CacheLevel::l1d, x));
  CHECK(h.access(1, x, 8, kR, kCls) == cfg.coherence_transfer);
  CHECK(h.cache_counters(1).transfers[kC] == 1);
  CHECK(h.cache_counters(1).coherence_misses[kC] == 0);
}

// Single writer: whatever the interleaving, once a CPU has written a line no other CPU holds it.
// Small caches and many lines keep evictions and stale holders busy; 100
// CPUs use the exact-ids and coarse-group encodings, 3 CPUs the bitmap.
TEST_CASE("cache: after a write no other CPU holds the line") {
  for (int cpus : {3, 100}) {
    CAPTURE(cpus);
    CacheHierarchy h(cpus, small_config());
    std::uint64_t x = 99, violations = 0, writes = 0;
    for (int step = 0; step < 60'000; ++step) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const int cpu = static_cast<int>((x >> 33) % static_cast<std::uint64_t>(cpus));
      const Addr addr = 0x100000 + ((x >> 20) % 300) * 64;
      const auto kind = static_cast<AccessKind>((x >> 12) % 4);
      h.access(cpu, addr, 8, kind, kCls);
      if (kind != AccessKind::write && kind != AccessKind::modify) continue;
      ++writes;
      for (int other = 0; other < cpus; ++other)
        for (CacheLevel l : {CacheLevel::l1i, CacheLevel::l1d, CacheLevel::l2})
          violations += other != cpu && h.holds(other, l, addr);
    }
    CHECK(writes > 20'000);
    CHECK(violations == 0);
    std::uint64_t coherence = 0, transfers = 0;
    for (int cpu = 0; cpu < cpus; ++cpu) {
      coherence += sum(h.cache_counters(cpu).coherence_misses);
      transfers += sum(h.cache_counters(cpu).transfers);
    }
    CHECK(coherence > 500);
    CHECK(transfers > 500);
    CHECK(h.directory_bytes() == 512 * 8);  // 300 lines in one page of 512
  }
}

TEST_CASE("cache: a write reaches L1I copies wherever code was fetched, and data probes skip it") {
  CacheHierarchy h(2, small_config());
  constexpr auto kText = MemClass::core_text;
  // CPU 1 fetches code at two far-apart places, and reads a data line between them.
  h.access(1, 0x900000, 4, AccessKind::ifetch, kText);
  h.access(1, 0x100000, 4, AccessKind::ifetch, kText);
  h.access(1, 0x500000, 8, kR, kCls);
  CHECK(h.holds(1, CacheLevel::l1i, 0x900000));
  CHECK(h.holds(1, CacheLevel::l1i, 0x100000));
  // Self-modifying code, as a module loader's relocation writes: CPU 0 writes each line.
  for (Addr a : {Addr{0x900000}, Addr{0x100000}, Addr{0x500000}}) h.access(0, a, 8, kW, kCls);
  CHECK_FALSE(h.holds(1, CacheLevel::l1i, 0x900000));
  CHECK_FALSE(h.holds(1, CacheLevel::l1i, 0x100000));
  CHECK_FALSE(h.holds(1, CacheLevel::l1d, 0x500000));
  CHECK_FALSE(h.holds(1, CacheLevel::l2, 0x500000));
  // The code CPU 1 fetches again misses in its L1I as a coherence miss.
  h.access(1, 0x900000, 4, AccessKind::ifetch, kText);
  CHECK(h.cache_counters(1).coherence_misses[static_cast<std::size_t>(kText)] == 1);
}

TEST_CASE("cache: one CPU keeps no directory, several keep one word per line of memory touched") {
  CacheHierarchy one(1, small_config());
  CacheHierarchy two(2, small_config());
  std::size_t after_first_pass = 0;
  // Ten passes over 1 MiB (16384 lines): the directory grows with the memory touched, 8 bytes
  // per 64-byte line, and not with the number of references.
  for (int pass = 0; pass < 10; ++pass) {
    for (Addr i = 0; i < 16384; ++i) {
      one.access(0, 0x100000 + i * 64, 8, kR, kCls);
      two.access(static_cast<int>(i & 1), 0x100000 + i * 64, 8, kR, kCls);
    }
    if (pass == 0) after_first_pass = two.directory_bytes();
  }
  CHECK(one.directory_bytes() == 0);
  CHECK(after_first_pass == 16384 * 8);
  CHECK(two.directory_bytes() == after_first_pass);
}

TEST_CASE("cache: a write reaches sharers on thousands of CPUs") {
  CacheConfig cfg = small_config();
  cfg.l2_enabled = false;
  constexpr int kCpus = 4096;
  CacheHierarchy h(kCpus, cfg);
  const Addr x = 0x123440;
  for (int cpu = 0; cpu < kCpus; ++cpu) h.access(cpu, x, 8, kR, kCls);
  h.access(kCpus - 1, x, 8, kW, kCls);
  CHECK_FALSE(h.holds(0, CacheLevel::l1d, x));
  CHECK_FALSE(h.holds(kCpus - 2, CacheLevel::l1d, x));
  CHECK(h.holds(kCpus - 1, CacheLevel::l1d, x));
  for (int cpu = 0; cpu < kCpus - 1; ++cpu) h.access(cpu, x, 8, kR, kCls);
  std::uint64_t coherence = 0;
  for (int cpu = 0; cpu < kCpus; ++cpu) coherence += h.cache_counters(cpu).coherence_misses[kC];
  CHECK(coherence == kCpus - 1);
}

TEST_CASE("cache: invalidating a coarse holder set builds no caches for idle CPUs") {
  CacheHierarchy h(4096, small_config());
  const Addr x = 0x123440;
  for (int cpu = 0; cpu < 10; ++cpu) h.access(cpu, x, 8, kR, kCls);  // coarse after three
  h.access(10, x, 8, kW, kCls);  // probes every CPU in ten groups of 65 or 66
  CHECK(h.cpus_with_caches() == 11);
  for (int cpu = 0; cpu < 10; ++cpu) CHECK_FALSE(h.holds(cpu, CacheLevel::l1d, x));
}

TEST_CASE("cache: holder sets are exact up to three CPUs, then coarse groups") {
  auto members = [](const Holders& h, std::uint64_t w) {
    std::set<int> m;
    h.any(w, [&](int cpu) {
      m.insert(cpu);
      return false;
    });
    return m;
  };
  auto yes = [](int) { return true; };
  const Holders narrow(64);  // one bit per CPU
  std::uint64_t w = 0;
  for (int cpu : {0, 5, 63, 17}) w = narrow.add(w, cpu, yes);
  CHECK(members(narrow, w) == std::set<int>{0, 5, 17, 63});
  CHECK_FALSE(narrow.modified(w));
  CHECK(members(narrow, narrow.only(9)) == std::set<int>{9});
  w = narrow.owned_by(9);
  CHECK(narrow.modified(w));
  CHECK(narrow.owner(w) == 9);
  CHECK(members(narrow, w) == std::set<int>{9});
  CHECK(narrow.clean(w) == narrow.only(9));
  CHECK_FALSE(narrow.modified(narrow.clean(w)));
  // 63 of 64 CPUs would read as "modified by the 64th": the set widens to all 64 instead.
  w = 0;
  for (int cpu = 0; cpu < 63; ++cpu) w = narrow.add(w, cpu, yes);
  CHECK_FALSE(narrow.modified(w));
  CHECK(members(narrow, w).size() == 64);

  const Holders wide(4096);
  CHECK(members(wide, wide.only(4000)) == std::set<int>{4000});
  CHECK(wide.modified(wide.owned_by(4000)));
  CHECK(wide.owner(wide.owned_by(4000)) == 4000);
  CHECK(wide.clean(wide.owned_by(4000)) == wide.only(4000));
  w = 0;
  for (int cpu : {4095, 7, 1000}) w = wide.add(w, cpu, yes);
  w = wide.add(w, 7, yes);
  CHECK(members(wide, w) == std::set<int>{7, 1000, 4095});
  // A fourth CPU first drops members that no longer hold the line.
  CHECK(members(wide, wide.add(w, 3, [](int cpu) { return cpu != 1000; })) ==
        std::set<int>{3, 7, 4095});
  // With all three still holding, the set turns into CPU groups: a superset, never less.
  const std::set<int> coarse = members(wide, wide.add(w, 3, yes));
  for (int cpu : {3, 7, 1000, 4095}) CHECK(coarse.count(cpu) == 1);
  // cpu % 63: groups 3, 7, 55 (65 CPUs each) and 0 (4095 = 65 x 63: 66 CPUs).
  CHECK(coarse.size() == 3 * 65 + 66);
  // Group 62's bit is the flag bit of exact sets: a coarse set holding it is not modified.
  CHECK_FALSE(wide.modified(wide.add(w, 62, yes)));
  CHECK(wide.any(w, [](int cpu) { return cpu == 1000; }));
  CHECK_FALSE(wide.any(w, [](int cpu) { return cpu == 1001; }));
}

TEST_CASE("cache: the indirect predictor remembers the last target per call site") {
  CacheHierarchy h(2, small_config());
  const Cycles miss = h.config().indirect_mispredict;
  const Addr site = 0xffffffff81234567, kfree = 0xffffffff81300000, other = 0xffffffffa0001000;
  CHECK(h.indirect_call(0, site, kfree) == miss);  // first use
  CHECK(h.indirect_call(0, site, kfree) == Cycles{0});
  CHECK(h.indirect_call(0, site, other) == miss);  // target changed
  CHECK(h.indirect_call(0, site, other) == Cycles{0});
  CHECK(h.indirect_call(1, site, other) == miss);            // per CPU
  CHECK(h.indirect_call(0, site + 0x10000, other) == miss);  // a different site
  const CacheCounters& k = h.cache_counters(0);
  CHECK(k.indirect_calls == 5);
  CHECK(k.mispredicts == 3);
  CHECK(k.access.cycles == 3 * miss.v);
  CHECK(k.access.accesses == 0);
}

TEST_CASE("cache: configuration errors name the bad field") {
  CHECK(validate(CacheConfig{}, 1) == "");
  CHECK(validate(CacheConfig{}, 4096) == "");
  auto err = [](auto edit, int cpus = 1) {
    CacheConfig c;
    edit(c);
    return validate(c, cpus);
  };
  CHECK(err([](CacheConfig& c) { c.l1d.assoc = 0; }).starts_with("l1d.assoc:"));
  CHECK(err([](CacheConfig& c) { c.l1i.line = 48; }).starts_with("l1i.line:"));
  CHECK(err([](CacheConfig& c) { c.llc.line = 8; }).starts_with("llc.line:"));
  CHECK(err([](CacheConfig& c) { c.l2.size = 3 * 1024 * 1024; }).starts_with("l2.size:"));
  CHECK(err([](CacheConfig& c) { c.l1d.size = 1000; }).starts_with("l1d.size:"));
  CHECK(err([](CacheConfig& c) { c.l2.hit_latency = Cycles{-1}; }).starts_with("l2.hit_latency:"));
  CHECK(err([](CacheConfig& c) { c.l2_enabled = false, c.l2.assoc = 0; }) == "");
  CHECK(err([](CacheConfig& c) { c.dram = Cycles{-5}; }).starts_with("dram:"));
  CHECK(err([](CacheConfig& c) { c.predictor_entries = 500; }).starts_with("predictor_entries:"));
  // Different private line sizes are Cachegrind's business on one CPU, an error on several.
  CHECK(err([](CacheConfig& c) { c.l1i.line = 32; }) == "");
  CHECK(err([](CacheConfig& c) { c.l1i.line = 32; }, 2).starts_with("l1i.line:"));
  CHECK(err([](CacheConfig&) {}, 0).starts_with("cpus:"));
  CacheConfig bad;
  bad.llc.assoc = 0;
  CHECK_THROWS_WITH_AS(CacheHierarchy(1, bad), doctest::Contains("llc.assoc"),
                       std::invalid_argument);
  CacheHierarchy h(2, CacheConfig{});
  CHECK_THROWS_AS(h.access(2, 0, 8, kR, kCls), std::out_of_range);
}

TEST_CASE("cache: set lookups agree with the LRU model at every shape") {
  testing::differential_all_shapes();
}

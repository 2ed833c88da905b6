// Throughput of the cache model, the simulator's hot path, and of `rcusim cachesim`'s Lackey
// path. Prints one JSON object. The access streams are fixed (a seeded generator), so the
// simulated totals printed beside the rates are the same on every run; only the rates vary.
#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/cache/hierarchy.hpp"
#include "models/cache/replay.hpp"

using namespace rcusim;

namespace {

struct Gen {  // splitmix64: enough for a synthetic mix, identical everywhere
  std::uint64_t x;
  std::uint64_t next() {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Four CPUs taking turns: text fetches from 24 KiB of shared kernel text, reads and writes of a
// 16 KiB per-CPU working set, a few writes to 16 shared lines (coherence traffic), and one
// access in ten missing at every level: streaming through a per-CPU 64 MiB region, or (scattered)
// jumping at random in a per-CPU 1 GiB region, which defeats any locality in the model's tables.
nlohmann::json bench_model(std::uint64_t n, bool scattered) {
  constexpr int kCpus = 4;
  CacheHierarchy h(kCpus, CacheConfig{});
  Gen g{42};
  std::uint64_t stream[kCpus] = {};
  const Addr text = 0xffffffff81000000, data = 0xffff888000000000, shared = 0xffff888100000000,
             big = 0xffff889000000000;
  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t cycles = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const int cpu = static_cast<int>(i % kCpus);
    const std::uint64_t r = g.next();
    const std::uint64_t pick = r % 100, off = (r >> 8) & 0x3ff8;
    const Addr own = data + static_cast<Addr>(cpu) * 0x100000;
    Cycles c;
    if (pick < 40) {
      c = h.access(cpu, text + (r >> 20) % (24 * 1024), 4, AccessKind::ifetch, MemClass::core_text);
    } else if (pick < 75) {
      c = h.access(cpu, own + off, 8, AccessKind::read, MemClass::rcu_head);
    } else if (pick < 87) {
      c = h.access(cpu, own + off, 8, AccessKind::write, MemClass::rcu_head);
    } else if (pick < 90) {
      c = h.access(cpu, shared + (off & 0x3c0), 8, AccessKind::modify, MemClass::slab_meta);
    } else {
      const std::uint64_t line = scattered ? (r >> 24) % (1 << 24) : stream[cpu]++ % (1 << 20);
      const Addr a = big + static_cast<Addr>(cpu) * 0x40000000 + line * 64;
      c = h.access(cpu, a, 8, AccessKind::read, MemClass::payload);
    }
    cycles += c.v;
  }
  const double s = seconds_since(t0);
  std::uint64_t l1_miss = 0, coherence = 0;
  for (int cpu = 0; cpu < kCpus; ++cpu) {
    const CacheCounters& k = h.cache_counters(cpu);
    l1_miss += sum(k.level(CacheLevel::l1i).misses) + sum(k.level(CacheLevel::l1d).misses);
    coherence += sum(k.coherence_misses);
  }
  return {{"accesses", n},
          {"seconds", s},
          {"accesses_per_s", static_cast<double>(n) / s},
          {"simulated_cycles", cycles},
          {"l1_misses", l1_miss},
          {"coherence_misses", coherence}};
}

// A synthetic Lackey trace: a loop over 8 KiB of text with x86-like instruction sizes, stack
// loads and stores, and a streaming load every eighth instruction.
std::string synthetic_lackey(std::uint64_t lines) {
  std::string t;
  t.reserve(lines * 22);
  Gen g{7};
  std::uint64_t pc = 0, stream = 0;
  for (std::uint64_t i = 0; i < lines; ++i) {
    const std::uint64_t r = g.next();
    if (r % 3 != 0) {
      const std::uint64_t len = 1 + (r >> 8) % 7;
      t += fmt::format("I  {:08x},{}\n", 0x401000 + pc, len);
      pc = (pc + len) % 8192;
    } else if ((r >> 4) % 8 == 0) {
      t += fmt::format(" L {:08x},8\n", 0x10000000 + (stream++ % (1 << 22)) * 8);
    } else {
      const char kind = "LSM"[(r >> 12) % 3];
      t += fmt::format(" {} {:010x},8\n", kind, 0x1fff000000 + ((r >> 16) & 0xff8));
    }
  }
  return t;
}

nlohmann::json bench_cachesim(std::uint64_t lines) {
  const std::string text = synthetic_lackey(lines);
  std::uint64_t records = 0;
  auto t0 = std::chrono::steady_clock::now();
  LackeyParser p;
  p.feed(text, [&](const LackeyRecord&) { ++records; });
  p.finish([&](const LackeyRecord&) { ++records; });
  const double parse_s = seconds_since(t0);

  std::FILE* f = std::tmpfile();
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  t0 = std::chrono::steady_clock::now();
  CachegrindReplay replay(CacheConfig{});
  const CachegrindCounts c = replay_stream(f, replay);
  const double run_s = seconds_since(t0);
  std::fclose(f);
  nlohmann::ordered_json counts;
  for (const auto& [name, n] : c.fields()) counts[std::string(name)] = n;
  return {{"lines", lines},
          {"bytes", text.size()},
          {"parse_only_lines_per_s", static_cast<double>(records) / parse_s},
          {"seconds", run_s},
          {"lines_per_s", static_cast<double>(lines) / run_s},
          {"counts", counts}};
}

}  // namespace

int main() {
  nlohmann::ordered_json out;
  out["model"] = bench_model(20'000'000, false);
  out["model_scattered_misses"] = bench_model(20'000'000, true);
  out["cachesim"] = bench_cachesim(4'000'000);
  fmt::print("{}\n", out.dump());
}

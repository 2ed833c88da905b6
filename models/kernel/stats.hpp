// Figures gathered during a run. Everything here is measured by the models as they run; the
// result writers only format it.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/cache/counters.hpp"
#include "models/memory/cost.hpp"
#include "sim/base/histogram.hpp"

namespace rcusim {

// How an object went back to the allocator after its grace period.
enum class Path : std::uint8_t {
  kfree_rcu,           // func held an offset: __rcu_reclaim() kfree()d directly
  trivial_kfree,       // call_rcu() with a container_of + kfree() callback
  trivial_cache_free,  // call_rcu() with a container_of + kmem_cache_free() callback
  nontrivial,          // call_rcu() with a callback doing real work
  barrier,             // rcu_barrier_callback()
  failed,              // oops: func pointed into unmapped text
  count
};
inline constexpr std::size_t kPaths = static_cast<std::size_t>(Path::count);
std::string_view to_string(Path p);

struct PathStats {
  std::uint64_t queued = 0;
  std::uint64_t reclaimed = 0;
  Histogram latency;        // cycles from call_rcu()/kfree_rcu() to the free
  std::int64_t cycles = 0;  // spent in rcu_do_batch for these objects
  std::uint64_t accesses = 0;
  std::array<std::uint64_t, kMemClasses> by_class{};
  std::array<ClassCounts, kCacheLevels> misses{};  // with the cache model: per level and class
  ClassCounts coherence_misses{};
};

struct CpuStats {
  std::uint64_t ticks = 0;
  std::uint64_t softirq_runs = 0;
  std::uint64_t softirq_passes = 0;
  std::int64_t softirq_cycles = 0;
  std::int64_t rcu_softirq_cycles = 0;  // in the RCU softirq handler, callbacks included
  std::uint64_t ksoftirqd_runs = 0;
  std::uint64_t context_switches = 0;
  std::uint64_t ipis = 0;
  std::uint64_t quiescent_states = 0;  // cpu_quiet() calls
  std::uint64_t readers = 0;
  std::uint64_t updates = 0;
  std::uint64_t actor_switches = 0;  // SimGrid waits this CPU's actor made
};

struct Sample {
  std::int64_t time;
  std::uint64_t objects;
  std::uint64_t bytes;
};

struct LatencyRow {
  std::int64_t queued;
  std::int64_t freed;
  std::int32_t cpu;
  Path path;
  std::uint32_t bytes;
};

struct Failure {
  std::int64_t time;  // cycles
  int cpu;
  std::string kind;  // oops | bug | use_after_free | heap_exhausted (a configuration limit)
  std::string message;
};

// A module's load and unload, as the unload race measures them.
struct ModuleStats {
  std::int64_t unload_start = -1;  // cycles: the unload action began (exit function)
  std::int64_t unloaded = -1;      // cycles: text unmapped
};

// One class of spinlock, as lockdep names it: how often CPUs took it, waited for it (cycles from
// asking to getting it) and held it.
struct LockStats {
  std::string name;
  std::uint64_t acquisitions = 0, contended = 0;
  std::int64_t wait_cycles = 0, max_wait = 0, hold_cycles = 0;
};

struct Stats {
  explicit Stats(int cpus) : cpu(static_cast<std::size_t>(cpus)) {}
  std::array<PathStats, kPaths> path{};
  std::uint64_t gp_started = 0, gp_completed = 0;
  Histogram gp_latency;
  std::uint64_t waiting_objects = 0, waiting_bytes = 0;
  std::uint64_t peak_objects = 0, peak_bytes = 0;
  std::vector<CpuStats> cpu;
  std::vector<Sample> series;
  std::vector<LatencyRow> latencies;  // kept when keep_latencies
  bool keep_latencies = true;
  std::vector<Failure> failures;
  Histogram barrier_latency;  // cycles, per rcu_barrier() call
  std::uint64_t barrier_calls = 0;
  std::vector<ModuleStats> modules;    // by module id
  std::vector<LockStats> locks;        // by lock class, in the order the models named them
  std::int64_t gp_kthread_cycles = 0;  // the grace-period kthread's bursts, wake to sleep

  // The index of the lock class `name`, made on first use (SimLock::set_class()).
  int lock_class(std::string_view name) {
    for (std::size_t i = 0; i < locks.size(); ++i)
      if (locks[i].name == name) return static_cast<int>(i);
    locks.push_back({std::string(name)});
    return static_cast<int>(locks.size() - 1);
  }

  // ok | oops | bug: what the simulated kernel did; `limit` when nothing went wrong in the kernel
  // until the run hit a limit of its configuration (the simulated heap ran out: heap.size).
  std::string outcome() const {
    bool bug = false, limit = false;
    for (const auto& f : failures) {
      if (f.kind == "oops") return "oops";
      (f.kind == "heap_exhausted" ? limit : bug) = true;
    }
    return bug ? "bug" : limit ? "limit" : "ok";
  }

  void queued(std::uint64_t bytes) {
    ++waiting_objects;
    waiting_bytes += bytes;
    if (waiting_objects > peak_objects) peak_objects = waiting_objects;
    if (waiting_bytes > peak_bytes) peak_bytes = waiting_bytes;
  }
  std::uint64_t reclaimed_total() const {
    std::uint64_t n = 0;
    for (const auto& p : path) n += p.reclaimed;
    return n;
  }
  void reclaimed(std::uint64_t bytes) {
    --waiting_objects;
    waiting_bytes -= bytes;
  }
};

}  // namespace rcusim

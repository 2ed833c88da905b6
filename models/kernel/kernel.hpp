// The simulated kernel's shared services for one run: the CPUs, simulated time's bounds, the heap,
// kernel text and symbols, the memory-cost model, the tracepoint hook and the measured figures.
// The engine builds it; each model is built from its own config section and this, and calls the
// others only through their interfaces (rcu, reclaim). Nothing here knows about scenario files,
// scripts or result files.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/heap/config.hpp"
#include "models/heap/heap.hpp"
#include "models/kernel/config.hpp"
#include "models/kernel/core_text.hpp"
#include "models/kernel/cpu.hpp"
#include "models/kernel/stats.hpp"
#include "models/memory/cost.hpp"
#include "models/module/symbols.hpp"
#include "sim/base/tracepoint.hpp"

namespace rcusim {

class CacheHierarchy;
class RcuFlavor;
class Reclaim;
class Workqueue;

// What the run is and how long it lasts, from the scenario's top-level keys.
struct RunBounds {
  std::int64_t seed = 1;
  Duration duration;  // workloads stop here
  Duration drain;     // extra time for queued callbacks
  bool stop_on_oops = true;
};

class Kernel {
 public:
  Kernel(const MachineConfig& machine, const CostConfig& costs, const PerturbConfig& perturb,
         const HeapConfig& heap, const RunBounds& run, std::unique_ptr<MemoryCost> mem);
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  const MachineConfig& machine;
  const CostConfig& costs;
  const PerturbConfig& perturb;
  const std::uint64_t seed;
  const bool stop_on_oops;
  const Frequency freq;
  const Cycles work_end;   // workloads stop here
  const Cycles drain_end;  // the run stops here at the latest
  Heap heap;
  Symbols syms;
  CoreText text{};
  std::unique_ptr<MemoryCost> mem;
  CacheHierarchy* cache = nullptr;  // mem, when it is the cache model
  Tracepoints tp;
  Stats stats;
  std::unique_ptr<RcuFlavor> rcu;  // the plug-ins, set by the engine before the CPUs start
  std::unique_ptr<Reclaim> reclaim;
  std::unique_ptr<Workqueue> wq;  // made by a model that queues work (kfree_rcu() batching)

  // The CPUs, made once the plug-ins are in place.
  void boot_cpus();
  int ncpus() const { return static_cast<int>(cpus_.size()); }
  Cpu& cpu(int i) { return *cpus_[static_cast<std::size_t>(i)]; }
  Cycles cycles(const Duration& d) const { return freq.from_ns(d.ns); }

  // Stops every CPU actor at its next step: after an oops when the run stops on one, or once the
  // workloads are over and no callback is left.
  void stop();
  bool stopped() const { return stopped_; }
  void note_idle_after_work();  // a CPU ran out of work: stop if nothing else is queued
  int running_tasks = 0;        // CPUs whose task (workload or script) has not finished
  void wake_waiters();  // wakes CPUs blocked in Cpu::run_until() to re-check their condition
  // Starts `body` as a kthread's actor on CPU `cpu`'s host, a daemon that ends with the run.
  // Set by the engine, which owns the platform.
  std::function<void(int cpu, const std::string& name, std::function<void()> body)> spawn_kthread;

 private:
  std::vector<std::unique_ptr<Cpu>> cpus_;
  bool stopped_ = false;
};

}  // namespace rcusim

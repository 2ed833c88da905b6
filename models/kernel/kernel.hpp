// The simulated machine: every model instance of one run, owned in one place.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/cache/hierarchy.hpp"
#include "models/heap/heap.hpp"
#include "models/memory/cost.hpp"
#include "models/module/symbols.hpp"
#include "models/rcu/flavor.hpp"
#include "models/reclaim/encoding.hpp"
#include "models/workload/objects.hpp"
#include "sim/scenario/config.hpp"
#include "models/kernel/cpu.hpp"
#include "models/kernel/events.hpp"
#include "models/kernel/stats.hpp"
#include "sim/base/trace.hpp"

namespace rcusim {

// Kernel functions whose text the models fetch; sizes are those of a 2.6.27 x86-64 build,
// rounded (objdump of vmlinux), so the I-cache footprint is of the right order.
struct CoreText {
  std::uint32_t timer_interrupt, do_softirq, rcu_process_callbacks, rcu_do_batch, call_rcu,
      kfree_rcu, kmalloc, kfree, kmem_cache_alloc, kmem_cache_free, schedule, rcu_reader,
      rcu_updater, rcu_barrier, rcu_barrier_callback, on_each_cpu, kmem_cache_free_bulk;
};

// rcu_barrier() state of kernel/rcupdate.c (2.6.27): one barrier at a time (the mutex), a count
// of CPUs whose barrier callback is still pending, and each CPU's rcu_barrier_head.
struct BarrierState {
  SimLock mutex;
  long cpu_count = 0;
  bool done = true;
  int waiter = -1;
  std::vector<Addr> heads;
  Histogram latency;  // cycles, per rcu_barrier() call
  std::uint64_t calls = 0;
};

// Per [[workload]]: the reader's text and the other data it works on (cache pressure).
struct WorkloadMemory {
  std::uint32_t code = 0;  // function id
  Addr data = 0;
  std::uint64_t data_bytes = 0;
};

struct ModuleStats {
  std::int64_t unload_start = -1;  // cycles: the unload action began (exit function)
  std::int64_t unloaded = -1;      // cycles: text unmapped
};

class Kernel {
 public:
  explicit Kernel(const Config& cfg);
  ~Kernel();

  const Config& cfg;
  Frequency freq;
  Cycles work_end;        // workloads stop here
  Cycles drain_end;       // the run stops here at the latest
  Encoding encoding;
  Heap heap;
  Symbols syms;
  CoreText text{};
  std::unique_ptr<MemoryCost> mem;
  CacheHierarchy* cache = nullptr;  // mem, when memory.model = "cache"
  Trace trace;
  Stats stats;
  ObjectWorld world;
  std::unique_ptr<RcuFlavor> rcu;
  std::vector<std::unique_ptr<Cpu>> cpus;
  BarrierState barrier;
  std::vector<WorkloadMemory> workload_mem;  // by [[workload]] index
  std::vector<ModuleStats> module_stats;  // by module id
  EventBoard events;
  std::unordered_map<Addr, std::string> labels;  // rcu_head -> script label, while queued
  std::vector<TimelineEntry> timeline;
  std::vector<int> script_cpu;                   // script index -> CPU (perturb.shuffle_cpus)
  std::vector<std::int64_t> busy_lengths_ns;     // as drawn, for explore's report

  int ncpus() const { return static_cast<int>(cpus.size()); }
  Cpu& cpu(int i) { return *cpus[static_cast<std::size_t>(i)]; }
  Cycles cycles(const Duration& d) const { return freq.from_ns(d.ns); }

  // Stops every CPU actor at its next step: after an oops with on_oops = "stop", or once the
  // workloads are over and no callback is left.
  void stop();
  bool stopped() const { return stopped_; }
  void note_idle_after_work();  // a CPU ran out of work: stop if nothing else is queued
  int running_tasks = 0;        // CPUs whose task (workload or script) has not finished
  std::string outcome() const;  // ok | oops | bug

  // A named event happened on `cpu` at `t`: record it and wake CPUs that wait for events.
  void fire(const std::string& name, Cycles t);
  // Adds a line to the printed timeline (scripted scenarios only).
  void note(int cpu, Cycles t, std::string line);
  bool timeline_on() const { return timeline_on_; }

 private:
  bool stopped_ = false;
  bool timeline_on_ = false;
  std::uint64_t note_seq_ = 0;
};

}  // namespace rcusim

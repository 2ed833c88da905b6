// The simulated machine: every model instance of one run, owned in one place.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "models/heap/heap.hpp"
#include "models/memory/cost.hpp"
#include "models/module/symbols.hpp"
#include "models/rcu/flavor.hpp"
#include "models/reclaim/encoding.hpp"
#include "models/workload/objects.hpp"
#include "sim/config.hpp"
#include "sim/cpu.hpp"
#include "sim/stats.hpp"
#include "sim/trace.hpp"

namespace rcusim {

// Kernel functions whose text the models fetch; sizes are those of a 2.6.27 x86-64 build,
// rounded (objdump of vmlinux), so the I-cache footprint is of the right order.
struct CoreText {
  std::uint32_t timer_interrupt, do_softirq, rcu_process_callbacks, rcu_do_batch, call_rcu,
      kfree_rcu, kmalloc, kfree, kmem_cache_alloc, kmem_cache_free, schedule, rcu_reader,
      rcu_updater;
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
  Trace trace;
  Stats stats;
  ObjectWorld world;
  std::unique_ptr<RcuFlavor> rcu;
  std::vector<std::unique_ptr<Cpu>> cpus;

  int ncpus() const { return static_cast<int>(cpus.size()); }
  Cpu& cpu(int i) { return *cpus[static_cast<std::size_t>(i)]; }
  Cycles cycles(const Duration& d) const { return freq.from_ns(d.ns); }

  // Stops every CPU actor at its next step: after an oops with on_oops = "stop", or once the
  // workloads are over and no callback is left.
  void stop();
  bool stopped() const { return stopped_; }
  void note_idle_after_work();  // a CPU ran out of work: stop if nothing else is queued
  std::string outcome() const;  // ok | oops | bug

 private:
  bool stopped_ = false;
};

}  // namespace rcusim

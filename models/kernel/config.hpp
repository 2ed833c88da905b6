// The [machine], [costs] and [perturb] sections: the simulated machine, the instruction cycles of
// kernel paths, and seeded perturbations of timing. Defaults are written here once.
#pragma once
#include <cstdint>
#include "sim/base/spec.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

struct MachineConfig {
  std::int64_t cpus = 4;
  Frequency freq{3'000'000'000ULL};
  std::int64_t hz = 1000;
  bool nohz = true;         // CONFIG_NO_HZ: idle CPUs stop their tick when rcu_needs_cpu() is false
  bool tick_skew = true;    // spread the CPUs' tick phases over one jiffy
  Duration tick_jitter{0};  // each tick arrives up to this much after its time (irq latency)
  template <class V>
  void visit(V& v) {
    v("cpus", cpus, Spec{1, 4096, {}, "simulated CPUs (one SimGrid host each)"});
    v("freq", freq,
      Spec{1e6, 1e11, {}, "clock frequency; simulated time is counted in its cycles"});
    v("hz", hz, Spec{10, 10000, {}, "scheduling-clock ticks per second (HZ)"});
    v("nohz", nohz, Spec{.doc = "idle CPUs stop the tick when RCU does not need them"});
    v("tick_skew", tick_skew,
      Spec{.doc = "spread tick phases over a jiffy instead of aligning them"});
    v("tick_jitter", tick_jitter,
      Spec{0,
           1e8,
           {},
           "each tick arrives a seeded uniform delay below this after its time "
           "(interrupt latency); 0 = exactly on time"});
  }
};

// kmem_cache_free_bulk() (mm/slub.c, v6.6), instructions only: its memory accesses are priced by
// the memory model. Each figure is the code path's instruction count at about 3 per cycle, plus
// the two atomics fbd02630c6e3 measured on an i7-4790K: this_cpu_cmpxchg() 9 cycles,
// local_irq_save+restore 37. Not scenario keys (yet): a key in visit() enters every summary.json.
struct KfreeBulkCosts {
  std::int64_t call = 6;          // entry, `if (!size)`, the outer loop's test and exit
  std::int64_t object = 4;        // per object linked: build_detached_freelist()'s loop body and
                                  // slab_free_freelist_hook()'s, about 13 instructions
  std::int64_t miss = 2;          // per lookahead miss: load, virt_to_slab(), compare, --lookahead
  std::int64_t list = 19;         // per detached freelist: virt_to_folio(), folio_test_slab(),
                                  // df setup, slab_free() hooks, do_slab_free()'s fast path
                                  // (about 30 instructions) and its this_cpu_cmpxchg (9)
  std::int64_t slowpath = 20;     // more when the slab is not the CPU slab: the __slab_free()
                                  // call, counters arithmetic, a locked cmpxchg_double in place of
                                  // the 9 (LOCK CMPXCHG: 19 cycles, uops.info, Alder Lake-P)
  std::int64_t cpu_partial = 45;  // more when that slab was full: put_cpu_partial() under
                                  // local_lock_irqsave() (37) and the list push
};

// Instruction cycles of kernel paths, beside their memory accesses.
struct CostConfig {
  std::int64_t tick = 1500;    // irq entry/exit + update_process_times
  std::int64_t softirq = 150;  // __do_softirq entry, one pass
  std::int64_t ipi = 800;      // reschedule IPI delivery and handler
  std::int64_t context_switch = 2000;
  std::int64_t call_rcu = 20;
  std::int64_t do_batch = 8;        // rcu_do_batch() loop, per callback
  std::int64_t reclaim_decode = 3;  // __rcu_reclaim() compare and branch
  std::int64_t callback = 6;        // container_of() + the call to kfree()
  std::int64_t kfree = 22;          // SLUB fast-path free (about half of alloc+free, 43)
  std::int64_t kmalloc = 21;
  std::int64_t lock_hold = 100;  // rcu_ctrlblk.lock / rcu_node.lock critical section
  std::int64_t fqs_cpu = 100;    // force_qs_rnp(), per CPU scanned (Tree RCU)
  KfreeBulkCosts kfree_bulk;     // not visited: see KfreeBulkCosts
  template <class V>
  void visit(V& v) {
    const auto c = [&](const char* k, std::int64_t& f, const char* d) {
      v(k, f, Spec{0, 1e9, {}, d});
    };
    c("tick", tick, "cycles: timer interrupt entry/exit and update_process_times()");
    c("softirq", softirq, "cycles: one __do_softirq() pass");
    c("ipi", ipi, "cycles: reschedule IPI handler");
    c("context_switch", context_switch, "cycles: schedule() switching tasks");
    c("call_rcu", call_rcu, "cycles: call_rcu() instructions besides its memory accesses");
    c("do_batch", do_batch, "cycles: rcu_do_batch() loop overhead per callback");
    c("reclaim_decode", reclaim_decode, "cycles: __rcu_reclaim() offset test");
    c("callback", callback, "cycles: a trivial callback's container_of() and call");
    c("kfree", kfree, "cycles: SLUB kfree() fast path");
    c("kmalloc", kmalloc, "cycles: SLUB kmalloc() fast path");
    c("lock_hold", lock_hold,
      "cycles: rcu_ctrlblk.lock (classic) or rcu_node.lock (tree) hold time");
    c("fqs_cpu", fqs_cpu,
      "cycles: tree only, force_qs_rnp()'s look at one holdout CPU (its ->dynticks, a remote "
      "line)");
  }
};

// Seeded perturbations of timing, for `rcusim explore` (and any run that sets them).
struct PerturbConfig {
  bool tick_phase = false;
  double busy_jitter = 0.0;
  double softirq_defer = 0.0;
  bool shuffle_cpus = false;
  template <class V>
  void visit(V& v) {
    v("tick_phase", tick_phase, Spec{.doc = "draw each CPU's tick phase at random"});
    v("busy_jitter", busy_jitter,
      Spec{0, 0.99, {}, "scale each busy length by a uniform factor in [1-j, 1+j]"});
    v("softirq_defer", softirq_defer,
      Spec{0, 1, {}, "probability that an irq-exit softirq run is left to ksoftirqd"});
    v("shuffle_cpus", shuffle_cpus,
      Spec{.doc = "place the scripts on a random permutation of CPUs"});
  }
};

}  // namespace rcusim

// The resolved scenario: plain structs, each with its defaults written once, here.
//
// Every struct lists its fields once, in visit(): the TOML reader (sim/scenario.cpp), the JSON
// writer of the resolved scenario and `rcusim keys` (the README's key table) all walk the same
// list, so a key, its field, its default, its range and its documentation cannot drift apart.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "models/cache/config.hpp"
#include "models/memory/flat.hpp"
#include "sim/base/dist.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

// Scenario value types that carry a unit in the file.
struct Duration { std::int64_t ns = 0; bool operator==(const Duration&) const = default; };
struct Size { std::uint64_t bytes = 0; bool operator==(const Size&) const = default; };
struct TimeDist { Dist d; };  // values in ns
struct SizeDist { Dist d; };  // values in bytes

// Range and documentation of one key.
struct Spec {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string_view> choices = {};
  std::string_view doc = {};
};

struct MachineConfig {
  std::int64_t cpus = 4;
  Frequency freq{3'000'000'000ULL};
  std::int64_t hz = 1000;
  bool nohz = true;        // CONFIG_NO_HZ: idle CPUs stop their tick when rcu_needs_cpu() is false
  bool tick_skew = true;   // spread the CPUs' tick phases over one jiffy
  template <class V> void visit(V& v) {
    v("cpus", cpus, Spec{1, 4096, {}, "simulated CPUs (one SimGrid host each)"});
    v("freq", freq, Spec{1e6, 1e11, {}, "clock frequency; simulated time is counted in its cycles"});
    v("hz", hz, Spec{10, 10000, {}, "scheduling-clock ticks per second (HZ)"});
    v("nohz", nohz, Spec{.doc = "idle CPUs stop the tick when RCU does not need them"});
    v("tick_skew", tick_skew, Spec{.doc = "spread tick phases over a jiffy instead of aligning them"});
  }
};

struct RcuConfig {
  std::string flavor = "classic";
  std::int64_t blimit = 10;      // kernel/rcuclassic.c module parameters
  std::int64_t qhimark = 10000;
  std::int64_t qlowmark = 100;
  template <class V> void visit(V& v) {
    v("flavor", flavor, Spec{.choices = {"classic", "busted"},
                             .doc = "classic = 2.6.27 rcuclassic; busted = ends grace periods "
                                    "before every CPU passed a quiescent state (must be caught)"});
    v("blimit", blimit, Spec{1, 1e9, {}, "callbacks invoked per rcu_do_batch() call"});
    v("qhimark", qhimark, Spec{1, 1e9, {}, "qlen above which call_rcu() forces quiescent states"});
    v("qlowmark", qlowmark, Spec{0, 1e9, {}, "qlen at which blimit is restored"});
  }
};

struct ReclaimConfig {
  std::string encoding = "rfc";
  template <class V> void visit(V& v) {
    v("encoding", encoding,
      Spec{.choices = {"rfc", "merged"},
           .doc = "kfree_rcu offset in rcu_head.func: rfc = offset/sizeof(void *) <= 4095 "
                  "(2008 RFC); merged = byte offset < 4096 (Linux 3.0)"});
  }
};

struct HeapConfig {
  Size size{1ULL << 30};
  bool poison = true;
  template <class V> void visit(V& v) {
    v("size", size, Spec{1 << 20, 1ULL << 40, {}, "simulated direct-map heap"});
    v("poison", poison, Spec{.doc = "poison freed objects (slub_debug=P) so use-after-free reads show"});
  }
};

// One cache level's keys; defaults come from models/cache/config.hpp (written once there).
struct CacheLevelKeys {
  Size size;
  std::int64_t assoc;
  Size line;
  std::int64_t latency;
  static CacheLevelKeys of(const LevelConfig& l) {
    return {Size{l.size}, l.assoc, Size{l.line}, l.hit_latency.v};
  }
  LevelConfig to_level() const {
    return {size.bytes, static_cast<std::uint32_t>(assoc), static_cast<std::uint32_t>(line.bytes),
            Cycles{latency}};
  }
  template <class V> void visit(V& v) {
    v("size", size, Spec{64, 1ULL << 34, {}, "capacity"});
    v("assoc", assoc, Spec{1, 1024, {}, "ways per set"});
    v("line", line, Spec{8, 4096, {}, "line size"});
    v("latency", latency, Spec{0, 1e6, {}, "hit latency in cycles (load-to-use)"});
  }
};

struct CacheKeys {
  CacheLevelKeys l1i = CacheLevelKeys::of(CacheConfig{}.l1i);
  CacheLevelKeys l1d = CacheLevelKeys::of(CacheConfig{}.l1d);
  bool l2_enabled = CacheConfig{}.l2_enabled;
  CacheLevelKeys l2 = CacheLevelKeys::of(CacheConfig{}.l2);
  CacheLevelKeys llc = CacheLevelKeys::of(CacheConfig{}.llc);
  std::int64_t dram = CacheConfig{}.dram.v;
  std::int64_t coherence_transfer = CacheConfig{}.coherence_transfer.v;
  std::int64_t mispredict = CacheConfig{}.indirect_mispredict.v;
  CacheConfig to_cache() const {
    CacheConfig c;
    c.l1i = l1i.to_level();
    c.l1d = l1d.to_level();
    c.l2_enabled = l2_enabled;
    c.l2 = l2.to_level();
    c.llc = llc.to_level();
    c.dram = Cycles{dram};
    c.coherence_transfer = Cycles{coherence_transfer};
    c.indirect_mispredict = Cycles{mispredict};
    return c;
  }
  template <class V> void visit(V& v) {
    v.section("l1i", l1i);
    v.section("l1d", l1d);
    v("l2_enabled", l2_enabled, Spec{.doc = "model a private L2 per CPU"});
    v.section("l2", l2);
    v.section("llc", llc);
    v("dram", dram, Spec{0, 1e6, {}, "cycles of a miss in every level"});
    v("coherence_transfer", coherence_transfer,
      Spec{0, 1e6, {}, "cycles of a miss served from another CPU's private cache"});
    v("mispredict", mispredict, Spec{0, 1e6, {}, "cycles of a mispredicted indirect call"});
  }
};

struct MemoryConfig {
  std::string model = "flat";
  // Defaults from models/memory/flat.hpp, where they are written (and cited) once.
  std::int64_t ifetch = FlatConfig{}.ifetch.v, read = FlatConfig{}.read.v, write = FlatConfig{}.write.v;
  std::int64_t indirect_call = FlatConfig{}.indirect_call.v;
  template <class V> void visit(V& v) {
    v("model", model, Spec{.choices = {"flat", "cache"},
                           .doc = "memory-cost model: flat latencies, or the [cache] hierarchy"});
    v("ifetch", ifetch, Spec{0, 1e6, {}, "flat: cycles per instruction fetch access"});
    v("read", read, Spec{0, 1e6, {}, "flat: cycles per data read"});
    v("write", write, Spec{0, 1e6, {}, "flat: cycles per data write"});
    v("indirect_call", indirect_call, Spec{0, 1e6, {}, "flat: cycles per indirect call"});
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
  std::int64_t tick = 1500;           // irq entry/exit + update_process_times
  std::int64_t softirq = 150;         // __do_softirq entry, one pass
  std::int64_t ipi = 800;             // reschedule IPI delivery and handler
  std::int64_t context_switch = 2000;
  std::int64_t call_rcu = 20;
  std::int64_t do_batch = 8;          // rcu_do_batch() loop, per callback
  std::int64_t reclaim_decode = 3;    // __rcu_reclaim() compare and branch
  std::int64_t callback = 6;          // container_of() + the call to kfree()
  std::int64_t kfree = 22;            // SLUB fast-path free (about half of alloc+free, 43)
  std::int64_t kmalloc = 21;
  std::int64_t lock_hold = 100;       // rcu_ctrlblk.lock critical section
  KfreeBulkCosts kfree_bulk;          // not visited: see KfreeBulkCosts
  template <class V> void visit(V& v) {
    const auto c = [&](const char* k, std::int64_t& f, const char* d) { v(k, f, Spec{0, 1e9, {}, d}); };
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
    c("lock_hold", lock_hold, "cycles: rcu_ctrlblk.lock hold time");
  }
};

// The RCU-protected structure readers walk and updaters modify: an array of pointers.
struct TableConfig {
  std::int64_t slots = 1024;
  template <class V> void visit(V& v) {
    v("slots", slots, Spec{1, 1 << 24, {}, "RCU-protected pointers (each to one object)"});
  }
};

// The objects updaters retire, and the callbacks that free them.
struct ObjectsConfig {
  std::int64_t types = 16;             // distinct structs, each with its own callback function
  SizeDist size{Dist::uniform(64, 512)};
  std::string head_offset = "end";
  double kfree_only = 1.0;             // share of types whose callback only kfree()s
  double cache_only = 0.0;             // share whose callback only kmem_cache_free()s
  double kfree_rcu = 0.5;              // share of kfree-only retirements done with kfree_rcu()
  std::int64_t nontrivial_work = 300;  // cycles a non-trivial callback spends on its object
  Size callback_size{96};
  std::int64_t modules = 4;
  Size callback_stride{4096};
  template <class V> void visit(V& v) {
    v("types", types, Spec{1, 65536, {}, "distinct object types = distinct callback functions"});
    v("size", size, Spec{24, 1 << 20, {}, "object size (bytes), drawn once per type"});
    v("head_offset", head_offset,
      Spec{.doc = "where the rcu_head sits: \"end\", \"start\" (after 16 bytes of data), "
                  "\"random\", or a byte offset such as \"64B\""});
    v("kfree_only", kfree_only, Spec{0, 1, {}, "share of types whose callback is container_of + kfree"});
    v("cache_only", cache_only,
      Spec{0, 1, {}, "share of types whose callback is container_of + kmem_cache_free"});
    v("kfree_rcu", kfree_rcu, Spec{0, 1, {}, "share of kfree-only retirements using kfree_rcu()"});
    v("nontrivial_work", nontrivial_work, Spec{0, 1e9, {}, "cycles of work in a non-trivial callback"});
    v("callback_size", callback_size, Spec{16, 1 << 20, {}, "text size of each callback function"});
    v("modules", modules, Spec{1, 4096, {}, "modules the callback functions are spread over"});
    v("callback_stride", callback_stride,
      Spec{16, 1 << 24, {}, "distance between callbacks in a module's text"});
  }
};

// What a group of CPUs runs: a weighted mix of activities.
struct WorkloadConfig {
  std::string cpus = "all";
  double read = 4, update = 1, user = 1, idle = 1;  // weights
  TimeDist read_duration{Dist::exponential(2000)};
  TimeDist user_duration{Dist::exponential(20000)};
  TimeDist idle_duration{Dist::exponential(50000)};
  std::int64_t read_objects = 4;  // objects dereferenced per read-side critical section
  std::int64_t update_batch = 4;  // objects replaced and retired per update
  Size code_footprint{256};       // reader text fetched per section
  Size data_footprint{0};         // other data the readers work on (0: none)
  std::int64_t data_touch = 8;    // lines of it touched per section
  template <class V> void visit(V& v) {
    v("cpus", cpus, Spec{.doc = "CPUs running this mix: \"all\" or a list like \"0-3,6\""});
    v("read", read, Spec{0, 1e9, {}, "weight of read-side critical sections"});
    v("update", update, Spec{0, 1e9, {}, "weight of updates (replace + retire objects)"});
    v("user", user, Spec{0, 1e9, {}, "weight of user-mode execution (ticks are quiescent)"});
    v("idle", idle, Spec{0, 1e9, {}, "weight of idle periods"});
    v("read_duration", read_duration, Spec{0, 1e12, {}, "length of a read-side critical section"});
    v("user_duration", user_duration, Spec{0, 1e12, {}, "length of a user-mode run"});
    v("idle_duration", idle_duration, Spec{0, 1e12, {}, "length of an idle period"});
    v("read_objects", read_objects, Spec{0, 4096, {}, "objects dereferenced per reader"});
    v("update_batch", update_batch, Spec{1, 1 << 20, {}, "objects retired per update"});
    v("code_footprint", code_footprint,
      Spec{16, 1 << 24, {}, "reader text fetched per read-side section (I-cache pressure)"});
    v("data_footprint", data_footprint,
      Spec{0, 1ULL << 32, {}, "size of the other data readers work on (D-cache pressure)"});
    v("data_touch", data_touch, Spec{0, 1 << 20, {}, "random lines of that data read per section"});
  }
};

// A module's RCU callback, for scripted scenarios ([[module]] callbacks = [...]).
struct CallbackConfig {
  std::string name;
  std::string kind = "trivial_kfree";
  Size struct_size{64};  // the struct it frees; its rcu_head is at the end
  Size size{96};         // text size
  std::int64_t work = 300;
  template <class V> void visit(V& v) {
    v("name", name, Spec{.doc = "function name"});
    v("kind", kind, Spec{.choices = {"trivial_kfree", "trivial_cache_free", "nontrivial"},
                         .doc = "what the callback does: container_of + kfree, + kmem_cache_free, "
                                "or real work then kfree"});
    v("struct_size", struct_size, Spec{24, 1 << 20, {}, "size of the struct it frees (rcu_head at its end)"});
    v("size", size, Spec{16, 1 << 20, {}, "text size of the function"});
    v("work", work, Spec{0, 1e9, {}, "cycles of work for a nontrivial callback"});
  }
};

struct ModuleConfig {
  std::string name;
  std::vector<CallbackConfig> callbacks;
  template <class V> void visit(V& v) {
    v("name", name, Spec{.doc = "module name"});
    v.array("callbacks", callbacks);
  }
};

// One step of a CPU's script. It starts at `at`, or `delay` after the event `after`, or else
// right after the previous step.
struct ActionConfig {
  std::string action;
  Duration at{-1};
  std::string after;
  Duration delay{0};
  Duration length{0};
  std::int64_t count = 1;
  Size size{64};
  std::string callback;
  std::string label;
  std::string module;
  bool barrier = false;
  std::string until;
  std::string mode = "user";
  template <class V> void visit(V& v) {
    v("do", action,
      Spec{.choices = {"call_rcu", "kfree_rcu", "busy", "idle", "read", "user", "rcu_barrier",
                       "load", "unload", "wait"},
           .doc = "the action"});
    v("at", at, Spec{0, 1e13, {}, "absolute start time (default: after the previous action)"});
    v("after", after, Spec{.doc = "start when this event has happened: queued:<label>, "
                                  "donelist:<label>, invoked:<label>, donelist:<cpu>, gp_end, "
                                  "unload:<module>, barrier_done:<cpu>"});
    v("delay", delay, Spec{0, 1e13, {}, "extra wait after `after`"});
    v("for", length, Spec{0, 1e13, {}, "duration of busy, idle, read and user"});
    v("count", count, Spec{1, 1e7, {}, "call_rcu/kfree_rcu: how many objects to queue"});
    v("size", size, Spec{24, 1 << 20, {}, "kfree_rcu: object size (rcu_head at its end)"});
    v("callback", callback, Spec{.doc = "call_rcu: a module callback's name"});
    v("label", label, Spec{.doc = "name for the (last) queued callback, for events and the timeline"});
    v("module", module, Spec{.doc = "load/unload: module name"});
    v("barrier", barrier, Spec{.doc = "unload: call rcu_barrier() in the module's exit first"});
    v("until", until, Spec{.doc = "wait: the event to wait for (same names as `after`)"});
    v("mode", mode, Spec{.choices = {"user", "kernel", "bh_off"},
                         .doc = "busy: user = a CPU hog above ksoftirqd (ticks are quiescent, "
                                "softirqs run at irq exit, ksoftirqd starves); kernel = "
                                "non-preemptible kernel code; bh_off = bottom halves disabled "
                                "(no softirq at all)"});
  }
};

struct ScriptConfig {
  std::int64_t cpu = 0;
  std::vector<ActionConfig> actions;
  template <class V> void visit(V& v) {
    v("cpu", cpu, Spec{0, 4095, {}, "the CPU running this script"});
    v.array("actions", actions);
  }
};

// Seeded perturbations of timing, for `rcusim explore` (and any run that sets them).
struct PerturbConfig {
  bool tick_phase = false;
  double busy_jitter = 0.0;
  double softirq_defer = 0.0;
  bool shuffle_cpus = false;
  template <class V> void visit(V& v) {
    v("tick_phase", tick_phase, Spec{.doc = "draw each CPU's tick phase at random"});
    v("busy_jitter", busy_jitter,
      Spec{0, 0.99, {}, "scale each busy length by a uniform factor in [1-j, 1+j]"});
    v("softirq_defer", softirq_defer,
      Spec{0, 1, {}, "probability that an irq-exit softirq run is left to ksoftirqd"});
    v("shuffle_cpus", shuffle_cpus, Spec{.doc = "place the scripts on a random permutation of CPUs"});
  }
};

struct OutputConfig {
  bool events = true;
  bool latencies = true;
  bool timeline = true;
  Duration sample_interval{100'000};
  template <class V> void visit(V& v) {
    v("events", events, Spec{.doc = "write events.csv (every tracepoint event)"});
    v("latencies", latencies, Spec{.doc = "write latencies.csv (one row per reclaimed object)"});
    v("timeline", timeline, Spec{.doc = "print the per-CPU timeline of scripted runs"});
    v("sample_interval", sample_interval,
      Spec{1000, 1e12, {}, "period of the memory-waiting-for-reclaim series"});
  }
};

struct Config {
  std::string name = "unnamed";
  std::string description;
  std::int64_t seed = 1;
  std::string expect = "any";
  Duration duration{10'000'000};
  Duration drain{50'000'000};
  std::string on_oops = "stop";
  MachineConfig machine;
  RcuConfig rcu;
  ReclaimConfig reclaim;
  HeapConfig heap;
  MemoryConfig memory;
  CacheKeys cache;
  CostConfig costs;
  TableConfig table;
  ObjectsConfig objects;
  std::vector<WorkloadConfig> workload;
  std::vector<ModuleConfig> module;
  std::vector<ScriptConfig> script;
  PerturbConfig perturb;
  OutputConfig output;

  template <class V> void visit(V& v) {
    v("name", name, Spec{.doc = "scenario name; results go to results/<name>/"});
    v("description", description, Spec{.doc = "free text"});
    v("seed", seed, Spec{0, 9.007e15, {}, "seed of every generator (overridden by --seed)"});
    v("expect", expect, Spec{.choices = {"any", "ok", "oops", "bug"},
                             .doc = "expected outcome; a different one exits 1"});
    v("duration", duration, Spec{1000, 1e13, {}, "simulated time the workloads run"});
    v("drain", drain, Spec{0, 1e13, {}, "extra time, after duration, to let queued callbacks run"});
    v("on_oops", on_oops, Spec{.choices = {"stop", "continue"}, .doc = "after an oops"});
    v.section("machine", machine);
    v.section("rcu", rcu);
    v.section("reclaim", reclaim);
    v.section("heap", heap);
    v.section("memory", memory);
    v.section("cache", cache);
    v.section("costs", costs);
    v.section("table", table);
    v.section("objects", objects);
    v.array("workload", workload);
    v.array("module", module);
    v.array("script", script);
    v.section("perturb", perturb);
    v.section("output", output);
  }
};

}  // namespace rcusim

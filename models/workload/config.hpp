// The [table] and [objects] sections (what updaters retire and the callbacks that free it), the
// [[workload]] mixes CPUs run, the [[script]] timelines of scripted scenarios and [rcuscale], the
// kfree_rcu() test of kernel/rcu/rcuscale.c.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "sim/base/spec.hpp"

namespace rcusim {

// The RCU-protected structure readers walk and updaters modify: an array of pointers.
struct TableConfig {
  std::int64_t slots = 1024;
  template <class V>
  void visit(V& v) {
    v("slots", slots, Spec{1, 1 << 24, {}, "RCU-protected pointers (each to one object)"});
  }
};

// The objects updaters retire, and the callbacks that free them.
struct ObjectsConfig {
  std::int64_t types = 16;  // distinct structs, each with its own callback function
  SizeDist size{Dist::uniform(64, 512)};
  std::string head_offset = "end";
  double kfree_only = 1.0;             // share of types whose callback only kfree()s
  double cache_only = 0.0;             // share whose callback only kmem_cache_free()s
  double kfree_rcu = 0.5;              // share of kfree-only retirements done with kfree_rcu()
  std::int64_t nontrivial_work = 300;  // cycles a non-trivial callback spends on its object
  Size callback_size{96};
  std::int64_t modules = 4;
  Size callback_stride{4096};
  template <class V>
  void visit(V& v) {
    v("types", types, Spec{1, 65536, {}, "distinct object types = distinct callback functions"});
    v("size", size, Spec{24, 1 << 20, {}, "object size (bytes), drawn once per type"});
    v("head_offset", head_offset,
      Spec{.doc = "where the rcu_head sits: \"end\", \"start\" (after 16 bytes of data), "
                  "\"random\", or a byte offset such as \"64B\""});
    v("kfree_only", kfree_only,
      Spec{0, 1, {}, "share of types whose callback is container_of + kfree"});
    v("cache_only", cache_only,
      Spec{0, 1, {}, "share of types whose callback is container_of + kmem_cache_free"});
    v("kfree_rcu", kfree_rcu, Spec{0, 1, {}, "share of kfree-only retirements using kfree_rcu()"});
    v("nontrivial_work", nontrivial_work,
      Spec{0, 1e9, {}, "cycles of work in a non-trivial callback"});
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
  template <class V>
  void visit(V& v) {
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
  std::string cache;
  bool barrier = false;
  std::string until;
  std::string mode = "user";
  template <class V>
  void visit(V& v) {
    v("do", action,
      Spec{.choices = {"call_rcu", "kfree_rcu", "busy", "idle", "read", "user", "rcu_barrier",
                       "load", "unload", "wait", "kmem_cache_create", "kmem_cache_destroy",
                       "kvfree_rcu_barrier"},
           .doc = "the action"});
    v("at", at, Spec{0, 1e13, {}, "absolute start time (default: after the previous action)"});
    v("after", after,
      Spec{.doc = "start when this event has happened: queued:<label>, "
                  "donelist:<label>, invoked:<label>, donelist:<cpu>, gp_end, "
                  "unload:<module>, barrier_done:<cpu>"});
    v("delay", delay, Spec{0, 1e13, {}, "extra wait after `after`"});
    v("for", length, Spec{0, 1e13, {}, "duration of busy, idle, read and user"});
    v("count", count, Spec{1, 1e7, {}, "call_rcu/kfree_rcu: how many objects to queue"});
    v("size", size,
      Spec{24,
           1 << 20,
           {},
           "kfree_rcu: object size (rcu_head at its end); "
           "kmem_cache_create: the cache's object size"});
    v("callback", callback, Spec{.doc = "call_rcu: a module callback's name"});
    v("label", label,
      Spec{.doc = "name for the (last) queued callback, for events and the timeline"});
    v("module", module, Spec{.doc = "load/unload: module name"});
    v("cache", cache,
      Spec{.doc = "kmem_cache_create/kmem_cache_destroy: the cache's name; "
                  "kfree_rcu: allocate the objects from this cache"});
    v("barrier", barrier, Spec{.doc = "unload: call rcu_barrier() in the module's exit first"});
    v("until", until, Spec{.doc = "wait: the event to wait for (same names as `after`)"});
    v("mode", mode,
      Spec{.choices = {"user", "kernel", "bh_off"},
           .doc = "busy: user = a CPU hog above ksoftirqd (ticks are quiescent, "
                  "softirqs run at irq exit, ksoftirqd starves); kernel = "
                  "non-preemptible kernel code; bh_off = bottom halves disabled "
                  "(no softirq at all)"});
  }
};

struct ScriptConfig {
  std::int64_t cpu = 0;
  std::vector<ActionConfig> actions;
  template <class V>
  void visit(V& v) {
    v("cpu", cpu, Spec{0, 4095, {}, "the CPU running this script"});
    v.array("actions", actions);
  }
};

// [rcuscale]: kernel/rcu/rcuscale.c's kfree_rcu() test (kfree_scale_thread(), e6e78b004fa7), its
// module parameters by name. Each thread, bound to CPU (its number % CPUs), allocates
// kfree_alloc_num objects of kfree_mult * 24 bytes (struct kfree_obj: 8 bytes and an rcu_head)
// and kfree_rcu()s each, kfree_loops times, with cond_resched() between loops.
struct RcuscaleConfig {
  bool kfree_rcu_test = false;
  std::int64_t kfree_nthreads = -1;
  std::int64_t kfree_alloc_num = 8000;
  std::int64_t kfree_loops = 10;
  std::int64_t kfree_mult = 1;
  template <class V>
  void visit(V& v) {
    v("kfree_rcu_test", kfree_rcu_test, Spec{.doc = "run the kfree_rcu() threads"});
    v("kfree_nthreads", kfree_nthreads,
      Spec{-4096, 4096, {}, "threads: -1 = one per CPU, less than -1 = that many fewer"});
    v("kfree_alloc_num", kfree_alloc_num, Spec{1, 1e9, {}, "objects allocated and freed per loop"});
    v("kfree_loops", kfree_loops, Spec{1, 1e9, {}, "loops per thread"});
    v("kfree_mult", kfree_mult,
      Spec{1, 1000, {}, "object size in units of struct kfree_obj (24 B)"});
  }
};

}  // namespace rcusim

// The resolved scenario: each model's own config section (declared beside the model, defaults
// written once there) gathered into one Config, plus the run's own keys and [output].
//
// Every struct lists its fields once, in visit(): the TOML reader (sim/scenario/scenario.cpp), the
// JSON writer of the resolved scenario and `rcusim keys` (the README's key table) all walk the same
// list, so a key, its field, its default, its range and its documentation cannot drift apart.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/heap/config.hpp"
#include "models/kernel/config.hpp"
#include "models/memory/config.hpp"
#include "models/module/config.hpp"
#include "models/rcu/config.hpp"
#include "models/reclaim/config.hpp"
#include "models/workload/config.hpp"
#include "sim/base/spec.hpp"
#include "sim/scenario/expect.hpp"

namespace rcusim {

struct OutputConfig {
  bool events = true;
  bool latencies = true;
  bool timeline = true;
  Duration sample_interval{100'000};
  template <class V>
  void visit(V& v) {
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
  Expect expect;
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
  RcuscaleConfig rcuscale;
  PerturbConfig perturb;
  OutputConfig output;

  template <class V>
  void visit(V& v) {
    v("name", name, Spec{.doc = "scenario name; results go to results/<name>/"});
    v("description", description, Spec{.doc = "free text"});
    v("seed", seed, Spec{0, 9.007e15, {}, "seed of every generator (overridden by --seed)"});
    v("expect", expect,
      Spec{.choices = {"any", "ok", "oops", "bug", "limit"},
           .doc = "expected outcome; a different one exits 1. Or outcomes under conditions: "
                  "{ default = \"ok\", \"reclaim.kfree_rcu=5.6,5.7\" = \"bug\" } (a bare "
                  "flavour name is the condition rcu.flavor=<name>)"});
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
    v.section("rcuscale", rcuscale);
    v.section("perturb", perturb);
    v.section("output", output);
  }
};

}  // namespace rcusim

// One simulation run: builds the kernel and its plug-ins from the scenario, the SimGrid platform
// (one single-core host per CPU, 1 flop/s so that SimGrid's clock counts cycles exactly), one
// actor per CPU, and runs to the end.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "models/kernel/kernel.hpp"
#include "models/workload/mix.hpp"
#include "models/workload/objects.hpp"
#include "models/workload/rcuscale.hpp"
#include "models/workload/script_board.hpp"
#include "models/workload/trace_task.hpp"
#include "sim/engine/event_log.hpp"
#include "sim/engine/figure_sink.hpp"
#include "sim/engine/timeline.hpp"
#include "sim/engine/trace_recorder.hpp"
#include "sim/scenario/config.hpp"

namespace rcusim {

struct RunOptions {
  std::vector<std::string> simgrid_args;  // --cfg=... and --log=... passed through
  bool progress = false;                  // progress lines on stderr for long runs
  double progress_after_s = 1.0;          // wall seconds before the first one
  const TraceOptions* trace = nullptr;    // --trace: record events for trace.txt / trace.json
  // `rcusim replay`: each CPU queues these callbacks instead of running a workload (the
  // scenario's [[workload]] tables are not used); `functions` are their distinct symbols.
  struct Replay {
    std::vector<TracedCallback> callbacks;
    std::vector<std::string> functions;
  };
  const Replay* replay = nullptr;
};

// Everything one run built, and its end.
struct RunResult {
  std::unique_ptr<Kernel> kernel;
  ObjectWorld world;
  std::vector<WorkloadMemory> workload_mem;  // by [[workload]] index
  std::unique_ptr<ScriptBoard> board;        // when the scenario has scripts
  std::unique_ptr<EventLog> log;             // when output.events
  std::unique_ptr<Timeline> timeline;        // when output.timeline and scripts
  std::vector<int> script_cpu;               // script index -> CPU (perturb.shuffle_cpus)
  std::unique_ptr<TraceRecorder> recorder;   // with RunOptions::trace
  std::unique_ptr<FigureSink> figures;       // with RunOptions::replay
  TracedFunctions traced_functions;          // with RunOptions::replay
  std::unique_ptr<RcuscaleRun> rcuscale;     // when rcuscale.kfree_rcu_test
  Cycles end;                                // simulated time when the last CPU stopped
};

// SimGrid supports one engine per process: call this once.
RunResult run_simulation(const Config& cfg, const RunOptions& opt);

}  // namespace rcusim

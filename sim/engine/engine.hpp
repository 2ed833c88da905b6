// One simulation run: builds the SimGrid platform (one single-core host per CPU, 1 flop/s so
// that SimGrid's clock counts cycles exactly), starts one actor per CPU and runs to the end.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/config.hpp"
#include "models/kernel/kernel.hpp"

namespace rcusim {

struct RunOptions {
  std::vector<std::string> simgrid_args;  // --cfg=... and --log=... passed through
  bool progress = false;                  // progress lines on stderr for long runs
  double progress_after_s = 1.0;          // wall seconds before the first one
};

struct RunResult {
  std::unique_ptr<Kernel> kernel;
  Cycles end;  // simulated time when the last CPU stopped
};

// SimGrid supports one engine per process: call this once.
RunResult run_simulation(const Config& cfg, const RunOptions& opt);

}  // namespace rcusim

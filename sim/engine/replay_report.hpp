// `rcusim replay`'s comparison, traced against simulated: replay.json, the table it prints,
// and replay_gp.csv / replay_latency.csv (every grace period and callback latency of both, for
// plot.py's CDFs).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/engine/replay_figures.hpp"
#include "sim/engine/replay_input.hpp"
#include "sim/engine/results.hpp"

namespace rcusim {

struct ReplayReport {
  nlohmann::json json;
  RcuFigures traced, simulated;
};

ReplayReport replay_report(const std::string& trace_path, const ftrace::FtraceRead& read,
                           const ReplayInput& in, RcuFigures simulated);
std::string replay_table(const ReplayReport& r);
// replay.json, replay_gp.csv, replay_latency.csv; `r` must outlive the writers.
std::vector<ExtraFile> replay_files(const ReplayReport& r);

}  // namespace rcusim

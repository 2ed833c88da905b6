// The trace files of a run with --trace (trace.txt, trace.json): the recording finished, what
// it lost (for stderr and summary.json's "trace" object, present only then) and the writers
// write_results() runs in the result directory.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/engine/results.hpp"
#include "sim/engine/trace_recorder.hpp"

namespace rcusim {

class TraceOutput {
 public:
  // Nothing to write when the run had no recorder.
  TraceOutput(const RunResult& r, std::string title);
  bool active() const { return rec_ != nullptr; }
  nlohmann::json summary() const;
  std::vector<ExtraFile> files() const;
  // What the cap dropped, for stderr; empty when it dropped nothing.
  std::string warning() const;

 private:
  const TraceRecorder* rec_;
  RecordedTrace trace_;
  std::string title_;
};

}  // namespace rcusim

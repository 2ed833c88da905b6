// Result files of a run, written into an existing directory (an OutputDir's temporary one, which
// replaces DIR only when complete):
//   summary.json   resolved scenario, seed, version, outcome, failures, metrics
//   events.csv     tracepoint events (time_ns,cpu,event,gp,head,func,qlen,count,detail,
//                  level,grplo,grphi,mask,qsmask)
//   latencies.csv  one row per reclaimed object (queued_ns,freed_ns,latency_ns,cpu,path,bytes)
//   series.csv     objects and bytes waiting for reclaim over time
#pragma once
#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"

namespace rcusim {

nlohmann::json summarize(const Config& cfg, const RunResult& r);
// A result file beyond the standard ones (trace.txt, replay.json): its name and its writer.
struct ExtraFile {
  std::string name;
  std::function<void(std::ostream&)> write;
};
void write_results(const std::string& dir, const Config& cfg, const RunResult& r,
                   const nlohmann::json& summary, const std::vector<ExtraFile>& extra = {});
// The human-readable table printed at the end of `rcusim run`.
std::string summary_table(const nlohmann::json& summary);

}  // namespace rcusim

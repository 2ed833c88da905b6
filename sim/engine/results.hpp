// Result files of a run, written into an existing directory (an OutputDir's temporary one, which
// replaces DIR only when complete):
//   summary.json   resolved scenario, seed, version, outcome, failures, metrics
//   events.csv     tracepoint events (time_ns,cpu,event,gp,head,func,qlen,count,detail)
//   latencies.csv  one row per reclaimed object (queued_ns,freed_ns,latency_ns,cpu,path,bytes)
//   series.csv     objects and bytes waiting for reclaim over time
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "sim/engine/engine.hpp"

namespace rcusim {

nlohmann::json summarize(const Config& cfg, const RunResult& r);
void write_results(const std::string& dir, const Config& cfg, const RunResult& r,
                   const nlohmann::json& summary);
// The human-readable table printed at the end of `rcusim run`.
std::string summary_table(const nlohmann::json& summary);
// The per-CPU steps of a scripted run (queued, donelist, grace periods, invoked, unload, oops).
std::string timeline_text(const Kernel& k);

}  // namespace rcusim

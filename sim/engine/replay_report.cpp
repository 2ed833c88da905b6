#include "sim/engine/replay_report.hpp"

#include <fmt/format.h>

#include <ostream>

namespace rcusim {

ReplayReport replay_report(const std::string& trace_path, const ftrace::FtraceRead& read,
                           const ReplayInput& in, RcuFigures simulated) {
  ReplayReport r{{}, rcu_figures(in.traced), std::move(simulated)};
  std::size_t kvfree = 0;
  for (const TracedCallback& c : in.callbacks) kvfree += c.func.empty();
  r.json = {{"trace", trace_path},
            {"lines", read.lines},
            {"rcu_events", read.rcu_events},
            {"bad_lines", read.bad + in.bad_offsets},
            {"other_events", read.other_events},
            {"callbacks", in.callbacks.size()},
            {"kvfree_callbacks", kvfree},
            {"cpus", in.cpus},
            {"span_ns", in.span_ns},
            {"functions", in.functions},
            {"traced", figures_json(r.traced)},
            {"simulated", figures_json(r.simulated)}};
  return r;
}

namespace {

std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_number_float()) return fmt::format("{:.1f}", v.get<double>());
  return v.dump();
}

}  // namespace

std::string replay_table(const ReplayReport& r) {
  const auto& j = r.json;
  std::string out = fmt::format(
      "replay of {}: {} callbacks ({} kfree_rcu) on {} CPUs over {:.3f} ms, {} functions\n",
      j["trace"].get<std::string>(), j["callbacks"].get<std::size_t>(),
      j["kvfree_callbacks"].get<std::size_t>(), j["cpus"].get<int>(),
      static_cast<double>(j["span_ns"].get<std::int64_t>()) / 1e6, j["functions"].size());
  out += fmt::format("{:<26} {:>8} {:>12} {:>12} {:>12} {:>14}\n", "", "count", "p50", "p99", "max",
                     "mean");
  const auto row = [&](const char* label, const char* key) {
    for (const char* side : {"traced", "simulated"}) {
      const auto& s = j[side][key];
      out += fmt::format("{:<26} {:>8} {:>12} {:>12} {:>12} {:>14}\n",
                         fmt::format("{} {}", label, side), cell(s["count"]), cell(s["p50"]),
                         cell(s["p99"]), cell(s["max"]), cell(s["mean"]));
    }
  };
  row("grace period ns", "grace_period_ns");
  row("batch CBs", "batch_cbs");
  row("batch limit", "batch_limit");
  row("batch invoked", "batch_invoked");
  row("latency ns", "latency_ns");
  for (const char* side : {"traced", "simulated"})
    out += fmt::format("callbacks {}: {} queued, {} invoked\n", side,
                       j[side]["callbacks_queued"].get<std::uint64_t>(),
                       j[side]["callbacks_invoked"].get<std::uint64_t>());
  return out;
}

std::vector<ExtraFile> replay_files(const ReplayReport& r) {
  const auto csv = [&r](const char* column, std::vector<std::int64_t> RcuFigures::*series) {
    return [&r, column, series](std::ostream& os) {
      os << "source," << column << '\n';
      for (std::int64_t v : r.traced.*series) os << "traced," << v << '\n';
      for (std::int64_t v : r.simulated.*series) os << "simulated," << v << '\n';
    };
  };
  return {{"replay.json", [&r](std::ostream& os) { os << r.json.dump(2) << '\n'; }},
          {"replay_gp.csv", csv("duration_ns", &RcuFigures::gp_ns)},
          {"replay_latency.csv", csv("latency_ns", &RcuFigures::latency_ns)}};
}

}  // namespace rcusim

#include "sim/cli/replay.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "sim/cli/engine_args.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/run.hpp"
#include "sim/cli/signals.hpp"
#include "sim/cli/trace_args.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/output_dir.hpp"
#include "sim/engine/replay_report.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/trace_output.hpp"
#include "sim/scenario/expect.hpp"
#include "sim/scenario/scenario.hpp"

namespace rcusim {
namespace {

constexpr int kMaxCpus = 4096;  // machine.cpus' range

struct ReplayArgs {
  std::string trace, scenario, out;
  std::vector<std::string> sets;
  std::string seed;
  bool quiet = false;
  TraceArgs tracing;
};

// A trace that cannot be replayed: exit 2, nothing written.
struct BadTrace : std::runtime_error {
  using std::runtime_error::runtime_error;
};

ftrace::FtraceRead read_trace(const std::string& path) {
  ftrace::FtraceRead read;
  try {
    read = ftrace::read_ftrace_file(path);
  } catch (const ftrace::FtraceError& e) {
    throw BadTrace(e.what());
  }
  if (!read.ok()) throw BadTrace(fmt::format("{}: {}", path, read.message));
  return read;
}

// RCU event lines that do not decode are skipped; the first few are named on stderr.
void report_bad_lines(const std::string& path, const ftrace::FtraceRead& read,
                      const ReplayInput& in) {
  const std::size_t bad = read.bad + in.bad_offsets;
  if (bad == 0) return;
  std::vector<ftrace::BadLine> first = read.first_bad;
  first.insert(first.end(), in.first_bad_offsets.begin(), in.first_bad_offsets.end());
  std::sort(first.begin(), first.end(),
            [](const auto& x, const auto& y) { return x.line_no < y.line_no; });
  std::cerr << fmt::format("rcusim: {}: {} RCU event line{} skipped:\n", path, bad,
                           bad == 1 ? "" : "s");
  for (std::size_t i = 0; i < first.size() && i < 5; ++i)
    std::cerr << fmt::format("  line {}: {}\n", first[i].line_no, first[i].reason);
  if (bad > 5) std::cerr << fmt::format("  ... and {} more\n", bad - 5);
}

bool given(const std::vector<std::string>& sets, const std::string& key) {
  return std::any_of(sets.begin(), sets.end(),
                     [&](const std::string& s) { return s.rfind(key + "=", 0) == 0; });
}

// The scenario (or the defaults) with the trace's shape: as many CPUs as it names, the workload
// running as long as it spans, named after it. --set keys override all three.
Config replay_config(const ReplayArgs& a, const ReplayInput& in) {
  std::string stem = std::filesystem::path(a.trace).stem().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  std::vector<std::string> sets;
  if (!given(a.sets, "machine.cpus")) sets.push_back(fmt::format("machine.cpus={}", in.cpus));
  if (!given(a.sets, "duration"))
    sets.push_back(fmt::format("duration=\"{}ns\"", in.span_ns + 1000));
  if (!given(a.sets, "name")) sets.push_back(fmt::format("name=\"replay-{}\"", stem));
  sets.insert(sets.end(), a.sets.begin(), a.sets.end());
  Config c = a.scenario.empty() ? parse_scenario("", "(replay defaults)", sets)
                                : load_scenario(a.scenario, sets);
  if (!a.seed.empty()) c.seed = parse_seed(a.seed, "--seed");
  if (c.machine.cpus < in.cpus)
    throw ScenarioError(fmt::format("{}: the trace has events on CPU {}, machine.cpus is {}",
                                    a.trace, in.cpus - 1, c.machine.cpus));
  c.workload.clear();  // the trace is the workload
  return c;
}

int replay(const ReplayArgs& a) {
  exit_on_signals();
  const TraceOptions tracing = trace_options(a.tracing);
  const ftrace::FtraceRead read = read_trace(a.trace);
  const ReplayInput in = replay_input(read.events);
  report_bad_lines(a.trace, read, in);
  if (in.callbacks.empty())
    throw BadTrace(fmt::format(
        "{}: no rcu_callback or rcu_kvfree_callback event to replay ({} lines, {} RCU events, "
        "{} other events)",
        a.trace, read.lines, read.rcu_events, read.other_events));
  if (in.cpus > kMaxCpus)
    throw BadTrace(fmt::format("{}: events on CPU {}: at most {} CPUs are simulated", a.trace,
                               in.cpus - 1, kMaxCpus));
  const Config cfg = replay_config(a, in);
  // The location is checked, and made, before the simulation: no run is lost to a bad --out.
  OutputDir out(a.out.empty() ? "results/" + cfg.name : a.out);

  RunOptions opt;
  opt.simgrid_args = engine_args_for_run();
  opt.progress = !a.quiet && isatty(STDERR_FILENO);
  opt.trace = &tracing;
  const RunOptions::Replay plan{in.callbacks, in.functions};
  opt.replay = &plan;
  RunResult r = run_simulation(cfg, opt);
  auto summary = summarize(cfg, r);
  const TraceOutput trace(r, cfg.name);
  if (trace.active()) summary["trace"] = trace.summary();
  const ReplayReport report = replay_report(a.trace, read, in, rcu_figures(r.figures->merged()));
  std::vector<ExtraFile> files = replay_files(report);
  for (ExtraFile& f : trace.files()) files.push_back(std::move(f));
  write_results(out.tmp().string(), cfg, r, summary, files);
  out.commit();
  if (const std::string w = trace.warning(); !w.empty()) std::cerr << "rcusim: " << w << '\n';
  if (!a.quiet) {
    std::cout << summary_table(summary) << replay_table(report);
    std::cout << fmt::format("results in {}/\n", out.path().string());
  }
  const std::string outcome = summary["outcome"];
  const std::string expect = expected_outcome(cfg);
  return expect != "any" && expect != outcome ? kExitMismatch : kExitOk;
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto a = std::make_shared<ReplayArgs>();
  auto* c = app.add_subcommand(
      "replay", "replay the call_rcu()/kfree_rcu() calls of an ftrace text trace and compare");
  c->add_option("trace", a->trace,
                "ftrace text: /sys/kernel/tracing/trace or `trace-cmd report` output")
      ->required();
  c->add_option("--scenario", a->scenario, "base scenario (TOML); default: every key's default");
  c->add_option("--set", a->sets, "override a scenario key: key.path=value (repeatable)");
  c->add_option("--seed", a->seed, "seed, overriding the scenario's")->type_name("UINT");
  c->add_option("--out", a->out, "result directory (default results/replay-<trace name>)");
  c->add_flag("--quiet", a->quiet, "print nothing but errors");
  add_trace_options(*c, a->tracing);
  c->callback([a] {
    int rc = kExitBadInput;
    try {
      rc = replay(*a);
    } catch (const ScenarioError& e) {
      std::cerr << "rcusim: " << e.what() << '\n';
    } catch (const std::exception& e) {
      std::cerr << "rcusim: " << e.what() << '\n';
    }
    std::exit(rc);
  });
}

}  // namespace rcusim

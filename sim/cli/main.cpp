// rcusim command line: run, validate, keys, cachesim, replay (and the commands of sim/cli/). SimGrid's own --cfg=... and --log=...
// options are taken out before parsing and handed to the engine.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <string>
#include <vector>

#include "sim/cli/cachesim.hpp"
#include "sim/engine/engine.hpp"
#include "sim/cli/explore.hpp"
#include "sim/cli/replay.hpp"
#include "sim/cli/trace_args.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/trace_output.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/cli/sweep.hpp"

using namespace rcusim;

namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitBadInput = 2;

struct RunArgs {
  std::string scenario;
  std::int64_t seed = -1;
  std::string out;
  std::vector<std::string> sets;
  bool quiet = false;
  double progress_after_s = RunOptions{}.progress_after_s;
  TraceArgs tracing;
};

Config load(const RunArgs& a) {
  Config c = load_scenario(a.scenario, a.sets);
  if (a.seed >= 0) c.seed = a.seed;
  return c;
}

int cmd_run(const RunArgs& a, const std::vector<std::string>& sg_args) {
  const Config cfg = load(a);
  const TraceOptions tracing = trace_options(a.tracing);
  RunOptions opt;
  opt.trace = &tracing;
  opt.simgrid_args = sg_args;
  opt.progress = !a.quiet && isatty(STDERR_FILENO);
  opt.progress_after_s = a.progress_after_s;
  RunResult r = run_simulation(cfg, opt);
  auto summary = summarize(cfg, r);
  const TraceOutput trace(r, cfg.name);
  if (trace.active()) summary["trace"] = trace.summary();  // only then: summary.json is golden
  const std::string dir = a.out.empty() ? "results/" + cfg.name : a.out;
  write_results(dir, cfg, r, summary, trace.files());
  if (const std::string w = trace.warning(); !w.empty()) std::cerr << "rcusim: " << w << '\n';
  if (!a.quiet) {
    if (r.timeline) std::cout << r.timeline->text();
    std::cout << summary_table(summary);
    std::cout << fmt::format("results in {}/\n", dir);
  }
  const std::string outcome = summary["outcome"];
  const std::string expect = expected_outcome(cfg);
  if (expect != "any" && expect != outcome) {
    std::cerr << fmt::format("rcusim: {}: expected outcome \"{}\", got \"{}\"\n", a.scenario,
                             expect, outcome);
    return kExitMismatch;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> sg_args;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (i > 0 && (a.rfind("--cfg=", 0) == 0 || a.rfind("--log=", 0) == 0)) sg_args.push_back(a);
    else rest.push_back(argv[i]);
  }

  CLI::App app{"rcusim: a deterministic discrete-event simulator of Linux RCU grace periods "
               "(classic RCU, 2.6.27) and the kfree_rcu() reclaim paths"};
  app.set_version_flag("--version", std::string("rcusim ") + RCUSIM_VERSION);
  app.require_subcommand(1);
  app.footer("SimGrid options --cfg=KEY:VALUE and --log=... are passed to the engine.");

  RunArgs ra;
  auto* run = app.add_subcommand("run", "run a scenario and write results");
  run->add_option("scenario", ra.scenario, "scenario file (TOML)")->required();
  run->add_option("--seed", ra.seed, "seed, overriding the scenario's")->check(CLI::NonNegativeNumber);
  run->add_option("--out", ra.out, "result directory (default results/<scenario name>)");
  run->add_option("--set", ra.sets, "override a scenario key: key.path=value (repeatable)");
  run->add_flag("--quiet", ra.quiet, "print nothing but errors");
  // Hidden: lets a test see progress lines without depending on how fast the run is.
  run->add_option("--progress-after", ra.progress_after_s, "wall seconds before progress lines")
      ->check(CLI::NonNegativeNumber)
      ->group("");
  add_trace_options(*run, ra.tracing);

  RunArgs va;
  auto* validate = app.add_subcommand("validate", "check a scenario file and print the resolved scenario");
  validate->add_option("scenario", va.scenario, "scenario file (TOML)")->required();
  validate->add_option("--set", va.sets, "override a scenario key: key.path=value");

  auto* keys = app.add_subcommand("keys", "print every scenario key with its default (Markdown)");
  add_cachesim_command(app);
  add_explore_command(app);
  add_sweep_commands(app);
  add_replay_command(app, sg_args);

  try {
    app.parse(static_cast<int>(rest.size()), rest.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }

  try {
    if (*run) return cmd_run(ra, sg_args);
    if (*validate) {
      std::cout << to_json(load(va)).dump(2) << '\n';
      return 0;
    }
    if (*keys) {
      std::cout << key_reference();
      return 0;
    }
  } catch (const ScenarioError& e) {
    std::cerr << "rcusim: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "rcusim: " << e.what() << '\n';
    return kExitBadInput;
  }
  return 0;
}

#include "sim/cli/run.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>
#include <optional>
#include <simgrid/s4u/Engine.hpp>
#include <vector>

#include "sim/cli/engine_args.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/host_limits.hpp"
#include "sim/cli/signals.hpp"
#include "sim/cli/trace_args.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/output_dir.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/trace_output.hpp"
#include "sim/scenario/expect.hpp"
#include "sim/scenario/scenario.hpp"

namespace rcusim {
namespace {

struct RunArgs {
  std::string scenario;
  std::string seed;
  std::string out;
  std::vector<std::string> sets;
  bool quiet = false;
  double progress_after_s = RunOptions{}.progress_after_s;
  std::optional<std::uint64_t> memory_limit;
  TraceArgs tracing;
};

Config load(const RunArgs& a) {
  Config c = load_scenario(a.scenario, a.sets);
  if (!a.seed.empty()) c.seed = parse_seed(a.seed, "--seed");
  check_memory(a.scenario, estimate_memory(c, engine_args().stack_bytes), a.memory_limit);
  return c;
}

// A run that ran out of simulated heap hit a limit of its configuration, not a kernel bug.
void explain_heap_exhaustion(const nlohmann::json& summary) {
  for (const auto& f : summary["failures"])
    if (f["kind"] == "heap_exhausted") {
      std::cerr << "rcusim: the simulated heap ran out (a limit of the configuration, not a "
                   "kernel bug): raise heap.size\n";
      return;
    }
}

int cmd_run(const RunArgs& a) {
  exit_on_signals();
  // SimGrid puts in its own SIGINT handler (exit 1) as the engine starts: take it back as soon
  // as the engine tells anything.
  simgrid::s4u::Engine::on_platform_creation_cb([] { exit_on_signals(); });
  simgrid::s4u::Engine::on_platform_created_cb([] { exit_on_signals(); });
  simgrid::s4u::Engine::on_simulation_start_cb([] { exit_on_signals(); });
  const Config cfg = load(a);
  const TraceOptions tracing = trace_options(a.tracing);
  // The location is checked, and made, before the simulation: no run is lost to a bad --out.
  OutputDir out(a.out.empty() ? "results/" + cfg.name : a.out);
  RunOptions opt;
  opt.trace = &tracing;
  opt.simgrid_args = engine_args_for_run();
  opt.progress = !a.quiet && isatty(STDERR_FILENO);
  opt.progress_after_s = a.progress_after_s;
  RunResult r;
  try {
    r = run_simulation(cfg, opt);
  } catch (const std::runtime_error& e) {  // what building the world found (heap.size ...)
    throw ScenarioError(fmt::format("{}: {}", a.scenario, e.what()));
  }
  auto summary = summarize(cfg, r);
  const TraceOutput trace(r, cfg.name);
  if (trace.active()) summary["trace"] = trace.summary();  // only then: summary.json is golden
  write_results(out.tmp().string(), cfg, r, summary, trace.files());
  out.commit();
  if (const std::string w = trace.warning(); !w.empty()) std::cerr << "rcusim: " << w << '\n';
  if (!a.quiet) {
    if (r.timeline) std::cout << r.timeline->text();
    std::cout << summary_table(summary);
    std::cout << fmt::format("results in {}/\n", out.path().string());
  }
  explain_heap_exhaustion(summary);
  const std::string outcome = summary["outcome"];
  const std::string expect = expected_outcome(cfg);
  if (expect != "any" && expect != outcome) {
    std::cerr << fmt::format("rcusim: {}: expected outcome \"{}\", got \"{}\"\n", a.scenario,
                             expect, outcome);
    return kExitMismatch;
  }
  return kExitOk;
}

// Runs `body` and exits with its status; bad input of any kind exits 2 with its message.
template <class F>
[[noreturn]] void finish(F&& body) {
  int rc = kExitBadInput;
  try {
    rc = body();
  } catch (const std::exception& e) {
    std::cout << std::flush;
    std::cerr << "rcusim: " << e.what() << '\n';
  }
  std::cout << std::flush;
  std::exit(rc);
}

}  // namespace

std::int64_t parse_seed(const std::string& text, const std::string& option) {
  std::int64_t v = -1;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < 0 || v > kMaxSeed)
    throw ScenarioError(
        fmt::format("{}: '{}' is not a whole number in 0..{}", option, text, kMaxSeed));
  return v;
}

void add_run_commands(CLI::App& app) {
  auto ra = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "run a scenario and write results");
  run->add_option("scenario", ra->scenario, "scenario file (TOML)")->required();
  run->add_option("--seed", ra->seed, "seed, overriding the scenario's (0..9007000000000000)")
      ->type_name("UINT");
  run->add_option("--out", ra->out,
                  "result directory (default results/<scenario name>): a new or empty directory, "
                  "or one rcusim wrote, which is replaced");
  run->add_option("--set", ra->sets, "override a scenario key: key.path=value (repeatable)");
  run->add_flag("--quiet", ra->quiet, "print nothing but errors");
  add_memory_limit_option(*run, ra->memory_limit);
  add_trace_options(*run, ra->tracing);
  // Hidden: lets a test see progress lines without depending on how fast the run is.
  run->add_option("--progress-after", ra->progress_after_s, "wall seconds before progress lines")
      ->check(CLI::NonNegativeNumber)
      ->group("");
  run->callback([ra] { finish([&] { return cmd_run(*ra); }); });

  auto va = std::make_shared<RunArgs>();
  auto* validate =
      app.add_subcommand("validate", "check a scenario file and print the resolved scenario");
  validate->add_option("scenario", va->scenario, "scenario file (TOML)")->required();
  validate->add_option("--set", va->sets, "override a scenario key: key.path=value");
  validate->add_option("--seed", va->seed, "seed, overriding the scenario's")->type_name("UINT");
  add_memory_limit_option(*validate, va->memory_limit);
  validate->callback([va] {
    finish([&] {
      std::cout << to_json(load(*va)).dump(2) << '\n';
      return kExitOk;
    });
  });
}

}  // namespace rcusim

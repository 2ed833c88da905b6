#include "sim/cli/explore.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.hpp"
#include "sim/cli/shell.hpp"

namespace fs = std::filesystem;

namespace rcusim {
namespace {

struct ExploreArgs {
  std::string scenario;
  std::int64_t runs = 20;
  std::int64_t seed = 1;
  std::vector<std::string> sets;
  double busy_jitter = 0.5;
  double softirq_defer = 0.0;
  bool fixed_ticks = false;
  bool shuffle = false;
  std::string out;
};

struct Outcome {
  std::int64_t seed;
  std::string outcome;
  std::int64_t fail_ns = -1;
  std::vector<std::int64_t> busy_ns;
};


// The arguments that make `rcusim run` reproduce one explored run.
std::vector<std::string> run_args(const ExploreArgs& a, std::int64_t seed) {
  std::vector<std::string> v{"run", a.scenario, "--seed", std::to_string(seed)};
  for (const auto& s : a.sets) v.insert(v.end(), {"--set", s});
  v.insert(v.end(), {"--set", fmt::format("perturb.tick_phase={}", a.fixed_ticks ? "false" : "true"),
                     "--set", fmt::format("perturb.busy_jitter={}", a.busy_jitter), "--set",
                     fmt::format("perturb.softirq_defer={}", a.softirq_defer), "--set",
                     fmt::format("perturb.shuffle_cpus={}", a.shuffle ? "true" : "false")});
  return v;
}

std::string command(const std::vector<std::string>& args) {
  std::string c = "rcusim";
  for (const auto& s : args) c += " " + shell_quote(s);
  return c;
}

int explore(const ExploreArgs& a) {
  const Config cfg = load_scenario(a.scenario, a.sets);  // bad input stops here, exit 2
  const std::string dir = a.out.empty() ? "results/" + cfg.name + "-explore" : a.out;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<Outcome> outs;
  for (std::int64_t i = 0; i < a.runs; ++i) {
    const std::int64_t seed = a.seed + i;
    const std::string rdir = fmt::format("{}/seed-{}", dir, seed);
    std::vector<std::string> argv{self_exe()};
    for (const auto& s : run_args(a, seed)) argv.push_back(s);
    argv.insert(argv.end(), {"--quiet", "--out", rdir});
    const int code = wait_exit(spawn(argv, "/dev/null"));
    if (code != 0 && code != 1) {
      std::cerr << fmt::format("rcusim explore: run with seed {} failed (exit {})\n", seed, code);
      return 2;
    }
    std::ifstream in(rdir + "/summary.json");
    const auto j = nlohmann::json::parse(in);
    Outcome o{seed, j["outcome"], -1, j["perturbation"]["busy_ns"].get<std::vector<std::int64_t>>()};
    if (!j["failures"].empty()) o.fail_ns = j["failures"][0]["time_ns"];
    outs.push_back(o);
    if (isatty(STDERR_FILENO)) std::cerr << fmt::format("\r  run {}/{}", i + 1, a.runs) << std::flush;
  }
  if (isatty(STDERR_FILENO)) std::cerr << "\n";

  std::ofstream csv(dir + "/explore.csv");
  csv << "seed,outcome,failure_ns,busy_ns\n";
  std::map<std::string, int> counts;
  for (const auto& o : outs) {
    ++counts[o.outcome];
    std::string busy;
    for (auto b : o.busy_ns) busy += (busy.empty() ? "" : " ") + std::to_string(b);
    csv << fmt::format("{},{},{},{}\n", o.seed, o.outcome, o.fail_ns >= 0 ? std::to_string(o.fail_ns) : "", busy);
  }
  std::cout << fmt::format("explore {}: {} runs, seeds {}..{}: {} ok, {} oops, {} bug\n", cfg.name,
                           a.runs, a.seed, a.seed + a.runs - 1, counts["ok"], counts["oops"], counts["bug"]);
  std::cout << fmt::format("{:>8}  {:>14}  {:>8}  {:>14}\n", "seed", "busy (us)", "outcome", "failure (us)");
  auto sorted = outs;
  std::sort(sorted.begin(), sorted.end(), [](const Outcome& x, const Outcome& y) {
    return x.busy_ns != y.busy_ns ? x.busy_ns < y.busy_ns : x.seed < y.seed;
  });
  for (const auto& o : sorted) {
    std::string busy;
    for (auto b : o.busy_ns) busy += fmt::format("{}{:.0f}", busy.empty() ? "" : "/", static_cast<double>(b) / 1e3);
    std::cout << fmt::format("{:>8}  {:>14}  {:>8}  {:>14}\n", o.seed, busy.empty() ? "-" : busy, o.outcome,
                             o.fail_ns >= 0 ? fmt::format("{:.1f}", static_cast<double>(o.fail_ns) / 1e3) : "");
  }
  // Where the race opens, when the runs differ in one busy length.
  std::int64_t max_ok = -1, min_bad = -1;
  for (const auto& o : outs) {
    if (o.busy_ns.size() != 1) continue;
    if (o.outcome == "ok") max_ok = std::max(max_ok, o.busy_ns[0]);
    else if (min_bad < 0 || o.busy_ns[0] < min_bad) min_bad = o.busy_ns[0];
  }
  if (max_ok >= 0 && min_bad >= 0)
    std::cout << fmt::format("busy length: longest ok run {:.1f} us, shortest failing run {:.1f} us{}\n",
                             static_cast<double>(max_ok) / 1e3, static_cast<double>(min_bad) / 1e3,
                             max_ok < min_bad ? ": the race opens between the two" : " (overlap: other perturbations matter too)");
  const auto bad = std::min_element(outs.begin(), outs.end(), [](const Outcome& x, const Outcome& y) {
    const bool xf = x.fail_ns >= 0, yf = y.fail_ns >= 0;
    if (xf != yf) return xf;
    return x.fail_ns != y.fail_ns ? x.fail_ns < y.fail_ns : x.seed < y.seed;
  });
  if (bad == outs.end() || bad->fail_ns < 0) {
    std::cout << "no run failed\n";
    return 0;
  }
  const auto args = run_args(a, bad->seed);
  std::cout << fmt::format("shortest failing run: seed {} ({} at {:.1f} us); reproduce with:\n  {}\n",
                           bad->seed, bad->outcome, static_cast<double>(bad->fail_ns) / 1e3, command(args));
  std::vector<std::string> argv{self_exe()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--out", fmt::format("{}/seed-{}", dir, bad->seed)});
  std::cout << std::flush;
  wait_exit(spawn(argv, ""));  // prints that run's timeline and summary
  std::cout << fmt::format("per-run results in {}/ (explore.csv)\n", dir);
  return 0;
}

}  // namespace

void add_explore_command(CLI::App& app) {
  auto a = std::make_shared<ExploreArgs>();
  auto* c = app.add_subcommand("explore", "rerun a scenario under seeded timing perturbations");
  c->add_option("scenario", a->scenario, "scenario file (TOML)")->required();
  c->add_option("--runs", a->runs, "number of runs")->check(CLI::Range(1, 100000));
  c->add_option("--seed", a->seed, "first seed (runs use seed, seed+1, ...)")->check(CLI::NonNegativeNumber);
  c->add_option("--set", a->sets, "override a scenario key: key.path=value (repeatable)");
  c->add_option("--busy-jitter", a->busy_jitter, "busy lengths scaled by U[1-j, 1+j]")->check(CLI::Range(0.0, 0.99));
  c->add_option("--softirq-defer", a->softirq_defer, "probability an irq-exit softirq is left to ksoftirqd")
      ->check(CLI::Range(0.0, 1.0));
  c->add_flag("--fixed-ticks", a->fixed_ticks, "keep the scenario's tick phases");
  c->add_flag("--shuffle-cpus", a->shuffle, "place scripts on a random permutation of CPUs");
  c->add_option("--out", a->out, "directory for the runs (default results/<name>-explore)");
  c->callback([a] {
    try {
      const int rc = explore(*a);
      if (rc) std::exit(rc);
    } catch (const ScenarioError& e) {
      std::cerr << "rcusim: " << e.what() << '\n';
      std::exit(2);
    } catch (const std::runtime_error& e) {  // a run could not be started
      std::cerr << "rcusim explore: " << e.what() << '\n';
      std::exit(2);
    }
    std::exit(0);
  });
}

}  // namespace rcusim

#include "sim/cli/explore.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sim/cli/engine_args.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/host_limits.hpp"
#include "sim/cli/run.hpp"
#include "sim/cli/shell.hpp"
#include "sim/cli/signals.hpp"
#include "sim/engine/output_dir.hpp"
#include "sim/scenario/host_memory.hpp"
#include "sim/scenario/scenario.hpp"

namespace fs = std::filesystem;

namespace rcusim {
namespace {

struct ExploreArgs {
  std::string scenario;
  std::int64_t runs = 20;
  std::string seed_text = "1";
  std::int64_t seed = 1;
  std::optional<std::uint64_t> memory_limit;
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
  for (const auto& e : engine_args().args) v.push_back(e);
  v.insert(v.end(),
           {"--set", fmt::format("perturb.tick_phase={}", a.fixed_ticks ? "false" : "true"),
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

// Starts one explored run and waits for it; SIGINT/SIGTERM are passed on to it.
// `log` as spawn() takes it: "/dev/null" for a quiet run, "" for this process's own output.
int run_one(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = spawn(argv, log);
  int st = 0, forwarded = 0;
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) return -1;
    if (const int sig = signal_noted(); sig && sig != forwarded) kill(pid, forwarded = sig);
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int explore(ExploreArgs a) {
  note_signals();
  a.seed = parse_seed(a.seed_text, "--seed");
  if (a.seed > kMaxSeed - (a.runs - 1))
    throw ScenarioError(
        fmt::format("--seed {} --runs {}: the last seed would pass {}", a.seed, a.runs, kMaxSeed));
  const Config cfg = load_scenario(a.scenario, a.sets);  // bad input stops here, exit 2
  check_memory(a.scenario, estimate_memory(cfg, engine_args().stack_bytes), a.memory_limit);
  // The runs go to a temporary directory that replaces DIR (if rcusim wrote it) when complete.
  OutputDir out(a.out.empty() ? "results/" + cfg.name + "-explore" : a.out);
  const std::string dir = out.path().string(), tmp = out.tmp().string();
  std::vector<Outcome> outs;
  for (std::int64_t i = 0; i < a.runs; ++i) {
    if (const int sig = signal_noted()) return kExitSignalBase + sig;
    const std::int64_t seed = a.seed + i;
    const std::string rdir = fmt::format("{}/seed-{}", tmp, seed);
    std::vector<std::string> argv{self_exe()};
    for (const auto& s : run_args(a, seed)) argv.push_back(s);
    if (a.memory_limit)
      argv.insert(argv.end(), {"--memory-limit", fmt::format("{}B", *a.memory_limit)});
    argv.insert(argv.end(), {"--quiet", "--out", rdir});
    const int code = run_one(argv, "/dev/null");
    if (const int sig = signal_noted()) return kExitSignalBase + sig;
    if (code != kExitOk && code != kExitMismatch) {
      std::cerr << fmt::format("rcusim explore: run with seed {} failed (exit {})\n", seed, code);
      return code == kExitSignalBase + SIGINT || code == kExitSignalBase + SIGTERM ? code
                                                                                   : kExitBadInput;
    }
    std::ifstream in(rdir + "/summary.json");
    const auto j = nlohmann::json::parse(in);
    Outcome o{seed, j["outcome"], -1,
              j["perturbation"]["busy_ns"].get<std::vector<std::int64_t>>()};
    if (!j["failures"].empty()) o.fail_ns = j["failures"][0]["time_ns"];
    outs.push_back(o);
    if (isatty(STDERR_FILENO))
      std::cerr << fmt::format("\r  run {}/{}", i + 1, a.runs) << std::flush;
  }
  if (isatty(STDERR_FILENO)) std::cerr << "\n";

  std::ofstream csv(tmp + "/explore.csv");
  csv << "seed,outcome,failure_ns,busy_ns\n";
  std::map<std::string, int> counts;
  for (const auto& o : outs) {
    ++counts[o.outcome];
    std::string busy;
    for (auto b : o.busy_ns) busy += (busy.empty() ? "" : " ") + std::to_string(b);
    csv << fmt::format("{},{},{},{}\n", o.seed, o.outcome,
                       o.fail_ns >= 0 ? std::to_string(o.fail_ns) : "", busy);
  }
  csv.close();
  if (!csv)
    throw OutputError(fmt::format("{}/explore.csv: cannot write: {}", tmp, std::strerror(errno)));
  out.commit();
  std::cout << fmt::format(
      "explore {}: {} runs, seeds {}..{}: {} ok, {} oops, {} bug{}\n", cfg.name, a.runs, a.seed,
      a.seed + a.runs - 1, counts["ok"], counts["oops"], counts["bug"],
      counts["limit"] ? fmt::format(", {} hit heap.size", counts["limit"]) : "");
  std::cout << fmt::format("{:>8}  {:>14}  {:>8}  {:>14}\n", "seed", "busy (us)", "outcome",
                           "failure (us)");
  auto sorted = outs;
  std::sort(sorted.begin(), sorted.end(), [](const Outcome& x, const Outcome& y) {
    return x.busy_ns != y.busy_ns ? x.busy_ns < y.busy_ns : x.seed < y.seed;
  });
  for (const auto& o : sorted) {
    std::string busy;
    for (auto b : o.busy_ns)
      busy += fmt::format("{}{:.0f}", busy.empty() ? "" : "/", static_cast<double>(b) / 1e3);
    std::cout << fmt::format(
        "{:>8}  {:>14}  {:>8}  {:>14}\n", o.seed, busy.empty() ? "-" : busy, o.outcome,
        o.fail_ns >= 0 ? fmt::format("{:.1f}", static_cast<double>(o.fail_ns) / 1e3) : "");
  }
  // Where the race opens, when the runs differ in one busy length.
  std::int64_t max_ok = -1, min_bad = -1;
  for (const auto& o : outs) {
    if (o.busy_ns.size() != 1) continue;
    if (o.outcome == "ok")
      max_ok = std::max(max_ok, o.busy_ns[0]);
    else if (min_bad < 0 || o.busy_ns[0] < min_bad)
      min_bad = o.busy_ns[0];
  }
  if (max_ok >= 0 && min_bad >= 0)
    std::cout << fmt::format(
        "busy length: longest ok run {:.1f} us, shortest failing run {:.1f} us{}\n",
        static_cast<double>(max_ok) / 1e3, static_cast<double>(min_bad) / 1e3,
        max_ok < min_bad ? ": the race opens between the two"
                         : " (overlap: other perturbations matter too)");
  const auto bad =
      std::min_element(outs.begin(), outs.end(), [](const Outcome& x, const Outcome& y) {
        const bool xf = x.fail_ns >= 0, yf = y.fail_ns >= 0;
        if (xf != yf) return xf;
        return x.fail_ns != y.fail_ns ? x.fail_ns < y.fail_ns : x.seed < y.seed;
      });
  if (bad == outs.end() || bad->fail_ns < 0) {
    std::cout << "no run failed\n";
    return 0;
  }
  const auto args = run_args(a, bad->seed);
  std::cout << fmt::format(
      "shortest failing run: seed {} ({} at {:.1f} us); reproduce with:\n  {}\n", bad->seed,
      bad->outcome, static_cast<double>(bad->fail_ns) / 1e3, command(args));
  std::vector<std::string> argv{self_exe()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--out", fmt::format("{}/seed-{}", dir, bad->seed)});
  std::cout << std::flush;
  run_one(argv, "");  // prints that run's timeline and summary
  std::cout << fmt::format("per-run results in {}/ (explore.csv)\n", dir);
  return 0;
}

}  // namespace

void add_explore_command(CLI::App& app) {
  auto a = std::make_shared<ExploreArgs>();
  auto* c = app.add_subcommand("explore", "rerun a scenario under seeded timing perturbations");
  c->add_option("scenario", a->scenario, "scenario file (TOML)")->required();
  c->add_option("--runs", a->runs, "number of runs")->check(CLI::Range(1, 100000));
  c->add_option("--seed", a->seed_text, "first seed (runs use seed, seed+1, ...)")
      ->type_name("UINT");
  add_memory_limit_option(*c, a->memory_limit);
  c->add_option("--set", a->sets, "override a scenario key: key.path=value (repeatable)");
  c->add_option("--busy-jitter", a->busy_jitter, "busy lengths scaled by U[1-j, 1+j]")
      ->check(CLI::Range(0.0, 0.99));
  c->add_option("--softirq-defer", a->softirq_defer,
                "probability an irq-exit softirq is left to ksoftirqd")
      ->check(CLI::Range(0.0, 1.0));
  c->add_flag("--fixed-ticks", a->fixed_ticks, "keep the scenario's tick phases");
  c->add_flag("--shuffle-cpus", a->shuffle, "place scripts on a random permutation of CPUs");
  c->add_option("--out", a->out, "directory for the runs (default results/<name>-explore)");
  c->callback([a] {
    int rc = kExitBadInput;
    try {
      rc = explore(*a);
    } catch (const ScenarioError& e) {
      std::cerr << "rcusim: " << e.what() << '\n';
    } catch (const std::exception& e) {  // a run could not be started, or its results read
      std::cerr << "rcusim explore: " << e.what() << '\n';
    }
    std::exit(rc);
  });
}

}  // namespace rcusim

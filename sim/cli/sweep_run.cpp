// `rcusim sweep` (the points as local subprocesses, or a job file) and `rcusim merge`.
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "sim/cli/engine_args.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/host_limits.hpp"
#include "sim/cli/shell.hpp"
#include "sim/cli/signals.hpp"
#include "sim/cli/sweep.hpp"
#include "sim/cli/sweep_dir.hpp"
#include "sim/engine/output_dir.hpp"
#include "sim/scenario/host_memory.hpp"
#include "sim/scenario/scenario.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rcusim {
namespace {

struct SweepOptions {
  std::string scenario;
  std::vector<std::string> sets;
  int seeds = 1;
  int jobs = 1;
  std::string out;
  std::string emit;
  std::optional<std::uint64_t> memory_limit;
};

[[noreturn]] void die(const std::string& msg, int code = kExitBadInput) {
  std::fflush(stdout);
  fmt::print(stderr, "rcusim: {}\n", msg);
  std::exit(code);
}

std::string fnv64(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

std::vector<std::string> run_argv(const std::string& exe, const std::string& scenario,
                                  const SweepPoint& p, const fs::path& dir,
                                  const std::optional<std::uint64_t>& memory_limit) {
  std::vector<std::string> v{exe, "run", scenario};
  for (const auto& s : p.sets) v.insert(v.end(), {"--set", s});
  v.insert(v.end(), {"--seed", std::to_string(p.seed)});
  for (const auto& a : engine_args().args) v.push_back(a);
  if (memory_limit) v.insert(v.end(), {"--memory-limit", fmt::format("{}B", *memory_limit)});
  v.insert(v.end(), {"--out", (dir / p.dir).string(), "--quiet"});
  return v;
}

// What makes two sweeps' points the same: the scenario text, every point's arguments and this
// version of rcusim. A rerun with the same fingerprint keeps the points already complete.
std::string fingerprint(const std::string& scenario, const std::vector<SweepPoint>& grid,
                        const fs::path& dir) {
  std::string text = std::string(RCUSIM_VERSION) + '\n' + read_text(scenario) + '\n';
  for (const auto& p : grid)
    for (const auto& w : run_argv("rcusim", scenario, p, dir, std::nullopt)) text += w + '\n';
  return fnv64(text);
}

void progress(bool tty, std::size_t done, std::size_t total, int failed) {
  if (!tty) return;
  constexpr std::size_t kWidth = 30;
  const std::size_t fill = total ? done * kWidth / total : kWidth;
  fmt::print(stderr, "\r  sweep [{}{}] {}/{} points{}", std::string(fill, '#'),
             std::string(kWidth - fill, '.'), done, total,
             failed ? fmt::format(", {} failed", failed) : "");
  if (done == total) fmt::print(stderr, "\n");
}

// What a point's exit says: 0 ran, 1 ran (outcome other than expect), anything else failed;
// 130/143 is an interrupted run, which left no results.
std::string point_failure(const SweepPoint& p, int st) {
  if (WIFEXITED(st) && (WEXITSTATUS(st) == kExitOk || WEXITSTATUS(st) == kExitMismatch)) return {};
  if (!WIFEXITED(st))
    return fmt::format("{}: rcusim run killed by signal {}\n", p.dir, WTERMSIG(st));
  const int code = WEXITSTATUS(st);
  if (code == kExitSignalBase + SIGINT || code == kExitSignalBase + SIGTERM)
    return fmt::format("{}: rcusim run interrupted (exit {})\n", p.dir, code);
  return fmt::format("{}: rcusim run exited with status {}\n", p.dir, code);
}

// Runs the points, at most `jobs` at once; returns how many failed to run. On SIGINT/SIGTERM no
// more start, the running ones get the signal, and the function returns once they have ended.
int run_points(const std::vector<std::string>& base_exe, const SweepOptions& o,
               const std::vector<const SweepPoint*>& todo, const fs::path& dir) {
  const bool tty = isatty(STDERR_FILENO);
  std::map<pid_t, const SweepPoint*> running;
  std::size_t next = 0, done = 0;
  int failed = 0, forwarded = 0;
  progress(tty, 0, todo.size(), 0);
  while (done < todo.size() && (running.size() > 0 || !signal_noted())) {
    while (!signal_noted() && next < todo.size() &&
           running.size() < static_cast<std::size_t>(o.jobs)) {
      const SweepPoint& p = *todo[next++];
      try {
        const auto argv = run_argv(base_exe[0], base_exe[1], p, dir, o.memory_limit);
        running[spawn(argv, (dir / (p.dir + ".log")).string())] = &p;
      } catch (const std::runtime_error& e) {
        die(e.what(), kExitPointFailed);
      }
    }
    if (const int sig = signal_noted(); sig && forwarded != sig) {
      for (const auto& [pid, p] : running) kill(pid, sig);
      forwarded = sig;
    }
    if (running.empty()) break;
    int st = 0;
    const pid_t pid = waitpid(-1, &st, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      die(fmt::format("waitpid: {}", std::strerror(errno)), kExitPointFailed);
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const SweepPoint& p = *it->second;
    running.erase(it);
    ++done;
    const fs::path log = dir / (p.dir + ".log");
    std::ifstream in(log);
    std::string line, msgs;
    while (std::getline(in, line)) msgs += fmt::format("{}: {}\n", p.dir, line);
    std::error_code ec;
    fs::remove(log, ec);
    const std::string why = point_failure(p, st);
    failed += !why.empty();
    msgs += why;
    if (!msgs.empty()) fmt::print(stderr, "{}{}", tty ? "\r\033[K" : "", msgs);
    progress(tty, done, todo.size(), failed);
  }
  return failed;
}

void write_jobs(const std::string& file, const std::vector<std::string>& base,
                const SweepOptions& o, const std::vector<const SweepPoint*>& todo,
                const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(file, ec)) && !is_job_file(file))
    die(
        fmt::format("--emit-jobs {}: exists and is not a job file rcusim wrote; choose another "
                    "name",
                    file));
  std::string text;
  for (const SweepPoint* p : todo) {
    std::string line;
    for (const auto& w : run_argv(base[0], base[1], *p, dir, o.memory_limit))
      line += (line.empty() ? "" : " ") + shell_quote(w);
    text += line + '\n';
  }
  try {
    write_atomically(file, text);
  } catch (const std::exception& e) {
    die(fmt::format("--emit-jobs: {}", e.what()));
  }
}

struct Plan {
  std::vector<SweepAxis> axes;
  std::vector<SweepPoint> grid;
  std::string name;
};

// Every setting once (seeds do not change validity), memory budget included, before anything
// runs.
Plan plan(const SweepOptions& o) {
  Plan pl;
  std::set<std::string> keys;
  for (const auto& s : o.sets) {
    pl.axes.push_back(parse_axis(s));
    if (!keys.insert(pl.axes.back().key).second)
      throw ScenarioError(fmt::format("--set: {}: key given twice", pl.axes.back().key));
  }
  pl.grid = make_grid(pl.axes, o.seeds);
  for (const auto& p : pl.grid)
    if (p.seed == 1) {
      const Config c = load_scenario(o.scenario, p.sets);
      check_memory(o.scenario, estimate_memory(c, engine_args().stack_bytes), o.memory_limit);
      if (&p == &pl.grid.front()) pl.name = c.name;
    }
  return pl;
}

void sweep(const SweepOptions& o) {
  Plan pl;
  try {
    pl = plan(o);
  } catch (const std::exception& e) {
    die(e.what());
  }
  const fs::path dir =
      fs::absolute(o.out.empty() ? "results/" + pl.name + "-sweep" : o.out).lexically_normal();
  const std::string scenario = fs::absolute(o.scenario).lexically_normal().string();
  const std::vector<std::string> base{self_exe(), scenario};
  const std::string fp = fingerprint(scenario, pl.grid, dir);
  std::set<std::string> done;
  try {
    done = prepare_dir(dir, fp, pl.grid);
  } catch (const std::exception& e) {
    die(e.what());
  }

  using ojson = nlohmann::ordered_json;
  ojson meta = {{"scenario", scenario},
                {"keys", ojson::array()},
                {"seeds", o.seeds},
                {"fingerprint", fp},
                {"points", ojson::array()}};
  for (const auto& a : pl.axes) meta["keys"].push_back(a.key);
  std::vector<const SweepPoint*> todo;
  for (const auto& p : pl.grid) {
    meta["points"].push_back({{"dir", p.dir}, {"values", p.values}, {"seed", p.seed}});
    if (!done.count(p.dir)) todo.push_back(&p);
  }
  try {
    write_atomically(dir / "sweep.json", meta.dump(2) + "\n");
  } catch (const std::exception& e) {
    die(e.what());
  }
  const std::string kept =
      done.empty() ? "" : fmt::format(" ({} complete from an earlier run kept)", done.size());

  if (!o.emit.empty()) {
    write_jobs(o.emit, base, o, todo, dir);
    fmt::print("{} jobs in {}{}; run them with `parallel --jobs N < {}`, then `{} merge {}`\n",
               todo.size(), o.emit, kept, o.emit, base[0], dir.string());
    std::exit(kExitOk);
  }
  note_signals();
  const int failed = run_points(base, o, todo, dir);
  if (const int sig = signal_noted()) {
    fmt::print(stderr,
               "rcusim: sweep interrupted: complete points are kept in {}/; the same command "
               "runs the rest\n",
               dir.string());
    std::exit(kExitSignalBase + sig);
  }
  std::string csv;
  try {
    csv = merge_sweep(dir.string());
  } catch (const std::exception& e) {
    die(e.what());
  }
  int mismatched = 0;
  for (const auto& p : pl.grid) {
    try {
      const json s = json::parse(read_text(dir / p.dir / "summary.json"));
      const std::string expect = s.value("expect", "any"), outcome = s.value("outcome", "");
      mismatched += expect != "any" && expect != outcome;
    } catch (const json::exception&) {  // a point that failed to run: counted below
    }
  }
  fmt::print("sweep: {} points in {}/{}, merged into sweep.csv\n", pl.grid.size(), dir.string(),
             kept);
  if (mismatched)
    fmt::print(stderr,
               "rcusim: sweep: {} points ended with an outcome other than their expect "
               "(see the outcome and expect columns)\n",
               mismatched);
  if (failed)
    die(fmt::format("sweep: {} of {} points failed to run", failed, pl.grid.size()),
        kExitPointFailed);
  std::exit(kExitOk);
}

}  // namespace

void add_sweep_commands(CLI::App& app) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* sw = app.add_subcommand(
      "sweep", "run a scenario over the product of --set value lists and seeds, then merge");
  sw->add_option("scenario", o->scenario, "scenario file (TOML)")->required();
  sw->add_option("--set", o->sets,
                 "key.path=v1,v2,... (repeatable); commas inside quotes or brackets do not split");
  sw->add_option("--seeds", o->seeds, "run seeds 1..N at every point")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  sw->add_option("--jobs,-j", o->jobs, "points run at once")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  sw->add_option("--out", o->out, "sweep directory (default results/<scenario name>-sweep)");
  sw->add_option("--emit-jobs", o->emit,
                 "write one command line per point still to run to FILE instead of running (for "
                 "GNU Parallel or a Slurm array), then run `rcusim merge DIR`");
  add_memory_limit_option(*sw, o->memory_limit);
  sw->footer(
      "Writes DIR/sweep.json, DIR/<point>/ (rcusim run results) and DIR/sweep.csv. Rerun with "
      "the same grid, it keeps the complete points and runs the rest. Exit 0 when every point "
      "ran (an outcome other than its expect is reported, not fatal), 2 on bad input, 3 when "
      "some point failed to run, 130/143 when interrupted.");
  sw->callback([o] { sweep(*o); });

  auto dir = std::make_shared<std::string>();
  CLI::App* mg =
      app.add_subcommand("merge", "merge DIR/*/summary.json of a sweep into DIR/sweep.csv");
  mg->add_option("dir", *dir, "sweep directory (with sweep.json)")->required();
  mg->callback([dir] {
    try {
      merge_sweep(*dir);
    } catch (const std::exception& e) {
      die(e.what());
    }
    fmt::print("merged into {}/sweep.csv\n", *dir);
    std::exit(kExitOk);
  });
}

}  // namespace rcusim

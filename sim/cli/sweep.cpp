#include "sim/cli/sweep.hpp"

#include "sim/cli/shell.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sim/scenario/scenario.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rcusim {

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitPointFailed = 3;
constexpr std::string_view kPaths[] = {"kfree_rcu", "trivial_kfree", "trivial_cache_free",
                                       "nontrivial"};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

std::string strip_quotes(const std::string& v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    return v.substr(1, v.size() - 2);
  return v;
}

std::string fnv_hex(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return fmt::format("{:08x}", h);
}

// A value as a path component: safe characters only, and a hash when that loses information.
std::string dir_component(const std::string& value) {
  constexpr std::size_t kMax = 40;
  const std::string v = strip_quotes(value);
  std::string out;
  for (char c : v) {
    const bool safe =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-';
    if (!safe && !out.empty() && out.back() == '-') continue;
    out += safe ? c : '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (!out.empty() && out.front() == '-') out.erase(0, 1);
  if (out == v && out.size() <= kMax && !out.empty()) return out;
  return out.substr(0, kMax) + "~" + fnv_hex(value);
}

// "a.b.0.c" looked up in a JSON document; nullptr when absent.
const json* at_path(const json& root, const std::string& path) {
  const json* j = &root;
  std::istringstream in(path);
  std::string seg;
  while (std::getline(in, seg, '.')) {
    if (j->is_object() && j->contains(seg))
      j = &(*j)[seg];
    else if (j->is_array() && !seg.empty() &&
             seg.find_first_not_of("0123456789") == std::string::npos &&
             std::stoul(seg) < j->size())
      j = &(*j)[std::stoul(seg)];
    else
      return nullptr;
  }
  return j;
}

std::string csv_cell(std::string s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string json_cell(const json* j) {
  if (!j || j->is_null()) return "";
  if (j->is_string()) return csv_cell(j->get<std::string>());
  return csv_cell(j->dump());
}

void write_atomically(const fs::path& p, const std::string& text) {
  const fs::path tmp = p.string() + fmt::format(".tmp-{}", getpid());
  {
    std::ofstream os(tmp, std::ios::binary);
    os << text;
    if (!os) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
  }
  fs::rename(tmp, p);
}

}  // namespace

std::vector<std::string> split_values(std::string_view list) {
  std::vector<std::string> out;
  int depth = 0;
  char quote = 0;
  std::string cur;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (quote) {
      if (c == '\\' && quote == '"' && i + 1 < list.size())
        cur += list[i++];
      else if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(trim(cur));
  return out;
}

SweepAxis parse_axis(const std::string& spec) {
  const auto eq = spec.find('=');
  const std::string key = eq == std::string::npos ? "" : trim(spec.substr(0, eq));
  if (key.empty() || key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                           "0123456789_.-") != std::string::npos)
    throw ScenarioError(fmt::format("--set: {}: expected key.path=value1,value2,...", spec));
  if (key == "seed") throw ScenarioError("--set: seed: use --seeds N to sweep seeds 1..N");
  SweepAxis a{key, split_values(std::string_view(spec).substr(eq + 1))};
  for (const auto& v : a.values)
    if (v.empty()) throw ScenarioError(fmt::format("--set: {}: empty value in the list", spec));
  return a;
}

std::vector<SweepPoint> make_grid(const std::vector<SweepAxis>& axes, int seeds) {
  std::vector<SweepPoint> grid;
  std::vector<std::size_t> idx(axes.size(), 0);
  std::set<std::string> names;
  for (;;) {
    for (int s = 1; s <= seeds; ++s) {
      SweepPoint p;
      p.seed = s;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const std::string& v = axes[a].values[idx[a]];
        p.sets.push_back(axes[a].key + "=" + v);
        p.values.push_back(v);
        if (axes[a].values.size() > 1)  // a single value is a constant, not a coordinate
          p.dir += axes[a].key + "-" + dir_component(v) + "_";
      }
      p.dir += fmt::format("seed-{}", s);
      if (!names.insert(p.dir).second)
        throw ScenarioError(fmt::format("sweep: point {} appears twice (repeated value?)", p.dir));
      grid.push_back(std::move(p));
    }
    // Odometer with the last axis fastest.
    std::size_t a = axes.size();
    while (a > 0 && ++idx[a - 1] == axes[a - 1].values.size()) idx[--a] = 0;
    if (a == 0) break;
  }
  return grid;
}

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      std::string_view x(a.data() + i, ie - i), y(b.data() + j, je - j);
      while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
      while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;  // equal under the numeric view ("01" vs "1"): keep a total order
}

std::string merge_sweep(const std::string& dir) {
  const fs::path root(dir);
  std::ifstream sj(root / "sweep.json");
  if (!sj) throw std::runtime_error(fmt::format("{}: no sweep.json (not a sweep directory)", dir));
  json meta;
  try {
    meta = json::parse(sj);
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}/sweep.json: {}", dir, e.what()));
  }
  const auto keys = meta.value("keys", std::vector<std::string>{});
  std::map<std::string, json> given;  // point dir -> its entry in sweep.json
  for (const auto& p : meta.value("points", json::array()))
    given[p.at("dir").get<std::string>()] = p;

  std::vector<std::string> header{"point"};
  header.insert(header.end(), keys.begin(), keys.end());
  // "expect" is both a scenario key and a result field: one column when it is swept.
  const bool expect_swept = std::find(keys.begin(), keys.end(), "expect") != keys.end();
  std::vector<std::string> fixed = {"seed", "outcome"};
  if (!expect_swept) fixed.push_back("expect");
  header.insert(header.end(), fixed.begin(), fixed.end());
  for (const char* h : {"gp_completed", "gp_latency_p50_ns", "gp_latency_p99_ns",
                        "reclaimed_objects", "peak_waiting_objects", "peak_waiting_bytes"})
    header.push_back(h);
  std::vector<std::pair<std::string, std::string>> metric_cols = {
      {"gp_completed", "metrics.grace_periods.completed"},
      {"gp_latency_p50_ns", "metrics.grace_periods.latency_ns.p50"},
      {"gp_latency_p99_ns", "metrics.grace_periods.latency_ns.p99"},
      {"reclaimed_objects", "metrics.reclaimed_objects"},
      {"peak_waiting_objects", "metrics.waiting_for_reclaim.peak_objects"},
      {"peak_waiting_bytes", "metrics.waiting_for_reclaim.peak_bytes"}};
  for (auto p : kPaths) {
    const std::string base = fmt::format("metrics.paths.{}.", p);
    for (auto [col, field] : {std::pair{"reclaimed", "reclaimed"},
                              {"latency_p50_ns", "latency_ns.p50"},
                              {"latency_p99_ns", "latency_ns.p99"},
                              {"cycles_per_object", "cycles_per_object"},
                              {"accesses_per_object", "accesses_per_object"}}) {
      metric_cols.emplace_back(fmt::format("{}_{}", p, col), base + field);
      header.push_back(metric_cols.back().first);
    }
  }

  std::map<std::string, std::string, decltype(&natural_less)> rows(&natural_less);
  for (const auto& e : fs::directory_iterator(root)) {
    const fs::path sp = e.path() / "summary.json";
    if (!e.is_directory() || !fs::exists(sp)) continue;
    const std::string name = e.path().filename().string();
    std::ifstream in(sp);
    json s;
    try {
      s = json::parse(in);
    } catch (const json::exception& ex) {
      throw std::runtime_error(fmt::format("{}: {}", sp.string(), ex.what()));
    }
    std::string row = csv_cell(name);
    const json* pt = given.count(name) ? &given[name] : nullptr;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const json* v = at_path(s["scenario"], keys[k]);
      if (!v && pt && k < pt->at("values").size())
        v = &pt->at("values")[k];  // not in the resolved scenario
      row += "," + json_cell(v);
    }
    for (const auto& f : fixed) row += "," + json_cell(at_path(s, f));
    for (const auto& [col, path] : metric_cols) row += "," + json_cell(at_path(s, path));
    rows[name] = row;
  }
  for (const auto& [name, p] : given) {  // listed but never run (or still running): say so
    if (rows.count(name)) continue;
    std::string row = csv_cell(name);
    for (const auto& v : p.at("values")) row += "," + json_cell(&v);
    row += fmt::format(",{},missing", p.value("seed", 0));
    row += std::string(header.size() - keys.size() - 3, ',');  // point, seed, outcome written
    rows[name] = row;
  }

  std::string out;
  for (std::size_t i = 0; i < header.size(); ++i) out += (i ? "," : "") + csv_cell(header[i]);
  out += '\n';
  for (const auto& [name, row] : rows) out += row + '\n';
  write_atomically(root / "sweep.csv", out);
  return out;
}

namespace {

struct SweepOptions {
  std::string scenario;
  std::vector<std::string> sets;
  int seeds = 1;
  int jobs = 1;
  std::string out;
  std::string emit;
};

[[noreturn]] void die(const std::string& msg, int code = kExitBadInput) {
  std::fflush(stdout);
  fmt::print(stderr, "rcusim: {}\n", msg);
  std::exit(code);
}

// A sweep directory is ours to reuse: refuse a foreign non-empty one, and drop the points of any
// earlier sweep there, so that merge (which reads every DIR/*/summary.json) never mixes old
// results with new ones, even when an emitted job has not run yet.
void prepare_dir(const fs::path& dir) {
  if (fs::exists(dir) && !fs::is_directory(dir))
    die(fmt::format("{}: not a directory", dir.string()));
  if (fs::exists(dir) && !fs::is_empty(dir) && !fs::exists(dir / "sweep.json"))
    die(fmt::format("{}: exists and is not a sweep directory (no sweep.json); choose another --out",
                    dir.string()));
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && fs::exists(e.path() / "summary.json")) fs::remove_all(e.path());
  fs::remove(dir / "sweep.csv");
}

std::vector<std::string> run_argv(const std::string& exe, const std::string& scenario,
                                  const SweepPoint& p, const fs::path& dir) {
  std::vector<std::string> v{exe, "run", scenario};
  for (const auto& s : p.sets) v.insert(v.end(), {"--set", s});
  v.insert(v.end(), {"--seed", std::to_string(p.seed), "--out", (dir / p.dir).string(), "--quiet"});
  return v;
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

// Runs every point, at most `jobs` at once; returns how many failed to run: a status other than
// 0 or 1 (1 only says that the outcome differs from the scenario's expect).
int run_points(const std::string& exe, const std::string& scenario,
               const std::vector<SweepPoint>& grid, const fs::path& dir, int jobs) {
  const bool tty = isatty(STDERR_FILENO);
  std::map<pid_t, const SweepPoint*> running;
  std::size_t next = 0, done = 0;
  int failed = 0;
  progress(tty, 0, grid.size(), 0);
  while (done < grid.size()) {
    while (next < grid.size() && running.size() < static_cast<std::size_t>(jobs)) {
      const SweepPoint& p = grid[next++];
      try {
        running[spawn(run_argv(exe, scenario, p, dir), (dir / (p.dir + ".log")).string())] = &p;
      } catch (const std::runtime_error& e) {
        die(e.what(), kExitPointFailed);
      }
    }
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
    fs::remove(log);
    const bool ok = WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1);
    if (!ok) {
      ++failed;
      msgs += WIFEXITED(st)
                  ? fmt::format("{}: rcusim run exited with status {}\n", p.dir, WEXITSTATUS(st))
                  : fmt::format("{}: rcusim run killed by signal {}\n", p.dir, WTERMSIG(st));
    }
    if (!msgs.empty()) fmt::print(stderr, "{}{}", tty ? "\r\033[K" : "", msgs);
    progress(tty, done, grid.size(), failed);
  }
  return failed;
}

void write_jobs(const std::string& file, const std::string& exe, const std::string& scenario,
                const std::vector<SweepPoint>& grid, const fs::path& dir) {
  std::string text;
  for (const auto& p : grid) {
    std::string line;
    for (const auto& w : run_argv(exe, scenario, p, dir))
      line += (line.empty() ? "" : " ") + shell_quote(w);
    text += line + '\n';
  }
  std::ofstream os(file, std::ios::binary);
  os << text;
  if (!os) die(fmt::format("{}: cannot write", file));
}

void sweep(const SweepOptions& o) {
  std::vector<SweepAxis> axes;
  std::vector<SweepPoint> grid;
  Config first;
  try {
    std::set<std::string> keys;
    for (const auto& s : o.sets) {
      axes.push_back(parse_axis(s));
      if (!keys.insert(axes.back().key).second)
        throw ScenarioError(fmt::format("--set: {}: key given twice", axes.back().key));
    }
    grid = make_grid(axes, o.seeds);
    // Every setting once (seeds do not change validity) before anything runs.
    for (const auto& p : grid)
      if (p.seed == 1) {
        Config c = load_scenario(o.scenario, p.sets);
        if (&p == &grid.front()) first = std::move(c);
      }
  } catch (const std::exception& e) {
    die(e.what());
  }
  const fs::path dir =
      fs::absolute(o.out.empty() ? "results/" + first.name + "-sweep" : o.out).lexically_normal();
  const std::string scenario = fs::absolute(o.scenario).lexically_normal().string();
  const std::string exe = self_exe();
  prepare_dir(dir);

  using ojson = nlohmann::ordered_json;
  ojson meta = {{"scenario", scenario},
                {"keys", ojson::array()},
                {"seeds", o.seeds},
                {"points", ojson::array()}};
  for (const auto& a : axes) meta["keys"].push_back(a.key);
  for (const auto& p : grid)
    meta["points"].push_back({{"dir", p.dir}, {"values", p.values}, {"seed", p.seed}});
  write_atomically(dir / "sweep.json", meta.dump(2) + "\n");

  if (!o.emit.empty()) {
    write_jobs(o.emit, exe, scenario, grid, dir);
    fmt::print("{} jobs in {}; run them with `parallel --jobs N < {}`, then `{} merge {}`\n",
               grid.size(), o.emit, o.emit, exe, dir.string());
    std::exit(0);
  }
  const int failed = run_points(exe, scenario, grid, dir, o.jobs);
  const std::string csv = merge_sweep(dir.string());
  int mismatched = 0;
  for (const auto& p : grid) {
    std::ifstream in(dir / p.dir / "summary.json");
    if (!in) continue;
    const json s = json::parse(in);
    const std::string expect = s.value("expect", "any"), outcome = s.value("outcome", "");
    mismatched += expect != "any" && expect != outcome;
  }
  fmt::print("sweep: {} points in {}/, merged into sweep.csv\n", grid.size(), dir.string());
  if (mismatched)
    fmt::print(stderr,
               "rcusim: sweep: {} points ended with an outcome other than their expect "
               "(see the outcome and expect columns)\n",
               mismatched);
  if (failed)
    die(fmt::format("sweep: {} of {} points failed to run", failed, grid.size()), kExitPointFailed);
  std::exit(0);
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
                 "write one command line per point to FILE instead of running (for GNU Parallel "
                 "or a Slurm array), then run `rcusim merge DIR`");
  sw->footer(
      "Writes DIR/sweep.json, DIR/<point>/ (rcusim run results) and DIR/sweep.csv. Exit 0 "
      "when every point ran (an outcome other than its expect is reported, not fatal), 2 on "
      "bad input, 3 when some point failed to run.");
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
    std::exit(0);
  });
}

}  // namespace rcusim

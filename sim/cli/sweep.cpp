#include "sim/cli/sweep.hpp"

#include "sim/cli/shell.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
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

// The object paths of results.json (to_string(Path) before barrier) that get sweep columns.
constexpr std::string_view kObjectPaths[] = {"kfree_rcu", "trivial_kfree", "trivial_cache_free",
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
    else if (j->is_array() && !seg.empty() && seg.size() < 10 &&
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

// One point's row of sweep.csv from its summary.json `s` and its entry in sweep.json `pt`.
std::string merge_row(const std::string& name, const json& s, const json* pt,
                      const std::vector<std::string>& keys, const std::vector<std::string>& fixed,
                      const std::vector<std::pair<std::string, std::string>>& metric_cols) {
  std::string row = csv_cell(name);
  const json empty = json::object();
  const json& scenario = s.is_object() && s.contains("scenario") ? s.at("scenario") : empty;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const json* v = at_path(scenario, keys[k]);
    if (!v && pt && k < pt->at("values").size())
      v = &pt->at("values")[k];  // not in the resolved scenario
    row += "," + json_cell(v);
  }
  for (const auto& f : fixed) row += "," + json_cell(at_path(s, f));
  for (const auto& [col, path] : metric_cols) row += "," + json_cell(at_path(s, path));
  return row;
}

}  // namespace

void write_atomically(const fs::path& p, const std::string& text) {
  const fs::path tmp = p.string() + fmt::format(".tmp-{}", getpid());
  {
    std::ofstream os(tmp, std::ios::binary);
    os << text;
    os.close();
    if (!os) {
      const int e = errno;
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error(fmt::format("{}: cannot write: {}", tmp.string(), std::strerror(e)));
    }
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot write: {}", p.string(), ec.message()));
}

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
  std::vector<std::string> keys;
  std::map<std::string, json> given;  // point dir -> its entry in sweep.json
  try {
    keys = meta.value("keys", std::vector<std::string>{});
    for (const auto& p : meta.value("points", json::array())) {
      p.at("values").get<std::vector<json>>();
      (void)p.value("seed", 0);
      given[p.at("dir").get<std::string>()] = p;
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}/sweep.json: {}", dir, e.what()));
  }

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
  for (auto p : kObjectPaths) {
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
  // Only the points sweep.json lists, and only complete results: never a run's temporary
  // directory (<point>.tmp-PID) nor anything else in the directory.
  for (const auto& [name, entry] : given) {
    const fs::path sp = root / name / "summary.json";
    std::error_code ec;
    if (name.find('/') != std::string::npos || name == ".." || !fs::is_regular_file(sp, ec))
      continue;
    std::ifstream in(sp);
    json s;
    try {
      s = json::parse(in);
      rows[name] =
          merge_row(name, s, given.count(name) ? &given[name] : nullptr, keys, fixed, metric_cols);
    } catch (const json::exception& ex) {
      throw std::runtime_error(fmt::format("{}: {}", sp.string(), ex.what()));
    }
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

}  // namespace rcusim

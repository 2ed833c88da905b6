#include "sim/scenario/scenario.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario/toml_guard.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace rcusim {
namespace {

using detail::Reader;

// Applies one --set key.path=value to the parsed document.
void apply_override(toml::table& root, const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ScenarioError(fmt::format("--set: {}: expected key.path=value", spec));
  const std::string path = spec.substr(0, eq), value = spec.substr(eq + 1);
  if (const std::string why = toml_guard(value); !why.empty())
    throw ScenarioError(fmt::format("--set {}: value {}", path, why.substr(why.find(':') + 2)));
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value, "--set " + path);
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"v", value}};  // not TOML: a bare string
  }
  toml::table* t = &root;
  std::string seg;
  std::istringstream in(path);
  std::vector<std::string> segs;
  while (std::getline(in, seg, '.')) segs.push_back(seg);
  if (segs.size() > kMaxKeyDepth)
    throw ScenarioError(
        fmt::format("--set {}: a key deeper than {} levels", path.substr(0, 64), kMaxKeyDepth));
  for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
    toml::node* n = t->get(segs[i]);
    const bool indexed =
        !segs[i + 1].empty() && segs[i + 1].find_first_not_of("0123456789") == std::string::npos;
    // e.g. workload.0.read with no [[workload]] in the file, or with `workload = []`
    const bool empty_array = n && n->is_array() && n->as_array()->empty();
    if ((!n || empty_array) && indexed) {
      if (segs[i + 1].size() > 2)
        throw ScenarioError(fmt::format("--set: {}: index {} is too large", path, segs[i + 1]));
      toml::array arr;
      for (std::size_t k = 0; k <= std::stoul(segs[i + 1]); ++k) arr.push_back(toml::table{});
      n = t->insert_or_assign(segs[i], std::move(arr)).first->second.as_array();
    }
    if (n && n->is_array_of_tables() && indexed) {
      std::size_t idx = 0;
      auto [p, ec] =
          std::from_chars(segs[i + 1].data(), segs[i + 1].data() + segs[i + 1].size(), idx);
      auto& arr = *n->as_array();
      if (ec != std::errc() || idx >= arr.size())
        throw ScenarioError(
            fmt::format("--set: {}: no [[{}]] number {}", path, segs[i], segs[i + 1]));
      t = arr[idx].as_table();
      ++i;
      continue;
    }
    if (!n) n = t->insert(segs[i], toml::table{}).first->second.as_table();
    if (!n->is_table())
      throw ScenarioError(fmt::format("--set: {}: {} is not a table", path, segs[i]));
    t = n->as_table();
  }
  t->insert_or_assign(segs.back(), *parsed.get("v"));
}

}  // namespace

std::vector<int> parse_cpu_list(const std::string& s, int ncpus) {
  std::vector<int> out;
  if (s == "all") {
    for (int i = 0; i < ncpus; ++i) out.push_back(i);
    return out;
  }
  std::istringstream in(s);
  std::string part;
  std::vector<bool> seen(static_cast<std::size_t>(ncpus), false);
  while (std::getline(in, part, ',')) {
    int lo = 0, hi = 0;
    const auto dash = part.find('-');
    auto num = [&](std::string_view t, int& v) {
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || p != t.data() + t.size())
        throw std::invalid_argument(
            fmt::format("\"{}\" is not \"all\" or a CPU list like \"0-3,6\"", s));
    };
    const std::string_view ps(part);
    if (dash == std::string::npos) {
      num(ps, lo);
      hi = lo;
    } else {
      num(ps.substr(0, dash), lo);
      num(ps.substr(dash + 1), hi);
    }
    if (lo > hi || hi >= ncpus || lo < 0)
      throw std::invalid_argument(fmt::format("CPU range \"{}\" is outside 0-{}", part, ncpus - 1));
    for (int c = lo; c <= hi; ++c)
      if (!seen[static_cast<std::size_t>(c)]) {
        seen[static_cast<std::size_t>(c)] = true;
        out.push_back(c);
      }
  }
  if (out.empty()) throw std::invalid_argument("empty CPU list");
  return out;
}

Config parse_scenario(const std::string& text, const std::string& source_name,
                      const std::vector<std::string>& overrides) {
  if (const std::string why = toml_guard(text); !why.empty())
    throw ScenarioError(
        fmt::format("{}:{}", source_name, why.rfind("line ", 0) == 0 ? why.substr(5) : " " + why));
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw ScenarioError(fmt::format("{}:{}:{}: syntax error: {}", source_name, src.begin.line,
                                    src.begin.column, e.description()));
  }
  for (const auto& o : overrides) apply_override(root, o);
  Config c;
  c.workload = {WorkloadConfig{}};
  Reader r(root, "", source_name, &c);
  c.visit(r);
  r.finish();
  detail::validate(c, r, root);
  return c;
}

Config load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ScenarioError(fmt::format("{}: cannot open scenario file (not a regular file)", path));
  if (std::filesystem::file_size(path, ec) > kMaxScenarioBytes && !ec)
    throw ScenarioError(
        fmt::format("{}: larger than {} MiB: not a scenario file", path, kMaxScenarioBytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(fmt::format("{}: cannot open scenario file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path, overrides);
}
}  // namespace rcusim

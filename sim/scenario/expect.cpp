#include "sim/scenario/expect.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "models/rcu/flavors.hpp"
#include "sim/base/plugin.hpp"
#include "sim/scenario/scenario.hpp"

namespace rcusim {
namespace {

// The resolved scenario as --set names its keys: "machine.cpus" -> "4", "workload.0.read" -> "4.0".
void flatten(const nlohmann::json& j, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (j.is_object() || j.is_array()) {
    std::size_t i = 0;
    for (auto it = j.begin(); it != j.end(); ++it, ++i) {
      const std::string k = j.is_object() ? it.key() : std::to_string(i);
      flatten(*it, prefix.empty() ? k : prefix + "." + k, out);
    }
    if (!j.empty()) return;
  }
  out[prefix] = j.is_string() ? j.get<std::string>() : j.dump();
}

}  // namespace

std::string Expect::parse_rule(const std::string& text, const std::string& outcome, Rule& out) {
  out = Rule{text, {}, {}, outcome};
  if (text == "default") return {};
  const auto eq = text.find('=');
  if (eq == std::string::npos) {  // a flavour name
    if (!find_ops(rcu_flavors(), text))
      return "not \"default\", a condition \"key.path=value\" or an RCU flavour";
    out.key = "rcu.flavor";
    out.values = {text};
    return {};
  }
  out.key = text.substr(0, eq);
  std::istringstream in(text.substr(eq + 1));
  for (std::string v; std::getline(in, v, ',');) out.values.push_back(v);
  if (out.key.empty() || out.values.empty()) return "a condition is \"key.path=value[,value...]\"";
  return {};
}

void to_json(nlohmann::json& j, const Expect& e) {
  if (!e.is_table()) {
    j = e.outcome;
    return;
  }
  j = nlohmann::json::object();
  for (const auto& r : e.rules) j[r.text] = r.outcome;
}

std::string expected_outcome(const Config& c) {
  if (!c.expect.is_table()) return c.expect.outcome;
  std::map<std::string, std::string> keys;
  flatten(to_json(c), "", keys);
  std::string fallback = "any", found;
  const Expect::Rule* by = nullptr;
  for (const auto& r : c.expect.rules) {
    if (r.key.empty()) {
      fallback = r.outcome;
      continue;
    }
    const auto it = keys.find(r.key);
    if (it == keys.end())
      throw std::invalid_argument(fmt::format("\"{}\": {} is not a scenario key", r.text, r.key));
    bool holds = false;
    for (const auto& v : r.values) holds |= v == it->second;
    if (!holds) continue;
    if (by && found != r.outcome)
      throw std::invalid_argument(fmt::format("\"{}\" and \"{}\" both hold and disagree ({} / {})",
                                              by->text, r.text, found, r.outcome));
    by = &r;
    found = r.outcome;
  }
  return by ? found : fallback;
}

}  // namespace rcusim

// The TOML side of scenario reading: a Reader walks one table through a struct's visit(),
// converting and range-checking each key and naming file:line:column on any error. Shared by
// the scenario reader (scenario.cpp) and its cross-key checks (scenario_check.cpp).
#pragma once
#include <fmt/format.h>

#include <toml++/toml.h>
#include <charconv>
#include <set>
#include <string>

#include "sim/base/quantity.hpp"
#include "sim/scenario/config.hpp"
#include "sim/scenario/scenario.hpp"

namespace rcusim::detail {

inline std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    default: return "a date/time";
  }
}

// Reads one table's keys into a struct through its visit(); remembers which keys it used so the
// rest can be reported as unknown.
class Reader {
 public:
  Reader(const toml::table& t, std::string prefix, const std::string& file, const Config* root)
      : t_(t), prefix_(std::move(prefix)), file_(file), root_(root) {}

  [[noreturn]] void fail(const toml::node* n, std::string_view key, const std::string& msg) const {
    fail_at(n ? n->source() : t_.source(), key, msg);
  }
  [[noreturn]] void fail_at(const toml::source_region& src, std::string_view key,
                            const std::string& msg) const {
    if (src.begin.line == 0)  // made by a --set override, not read from the file
      throw ScenarioError(fmt::format("--set {}: {}", full(key), msg));
    const std::string f = src.path ? std::string(*src.path) : file_;
    throw ScenarioError(
        fmt::format("{}:{}:{}: {}: {}", f, src.begin.line, src.begin.column, full(key), msg));
  }
  std::string full(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }

  const toml::node* take(std::string_view key) {
    used_.insert(std::string(key));
    return t_.get(key);
  }

  void check_range(const toml::node* n, std::string_view key, double v, const Spec& s) const {
    if (v < s.min || v > s.max)
      fail(n, key, fmt::format("{} is out of range [{}, {}]", v, s.min, s.max));
  }

  void operator()(std::string_view key, std::int64_t& f, const Spec& s) {
    const auto* n = take(key);
    if (!n) return;
    if (!n->is_integer()) fail(n, key, "expected an integer, got " + type_name(*n));
    const std::int64_t v = n->as_integer()->get();
    check_range(n, key, static_cast<double>(v), s);
    f = v;
  }
  void operator()(std::string_view key, double& f, const Spec& s) {
    const auto* n = take(key);
    if (!n) return;
    if (!n->is_number()) fail(n, key, "expected a number, got " + type_name(*n));
    // An integer beyond 2^53 has no exact double: toml++'s value<double>() gives none.
    const double v = n->is_integer() ? static_cast<double>(n->as_integer()->get())
                                     : n->as_floating_point()->get();
    check_range(n, key, v, s);
    f = v;
  }
  void operator()(std::string_view key, bool& f, const Spec&) {
    const auto* n = take(key);
    if (!n) return;
    if (!n->is_boolean()) fail(n, key, "expected true or false, got " + type_name(*n));
    f = n->as_boolean()->get();
  }
  void operator()(std::string_view key, std::string& f, const Spec& s) {
    const auto* n = take(key);
    if (!n) return;
    if (n->is_number() && numeric_choice(*n, s, f)) return;  // --set reclaim.kfree_rcu=5.6
    if (!n->is_string()) fail(n, key, "expected a string, got " + type_name(*n));
    const std::string v = n->as_string()->get();
    if (!s.choices.empty()) {
      std::string list;
      bool ok = false;
      for (auto c : s.choices) {
        ok |= (c == v);
        list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", c);
      }
      if (!ok) fail(n, key, fmt::format("\"{}\" is not one of {}", v, list));
    }
    f = v;
  }
  // `expect`: one outcome, or a table of outcomes under conditions (sim/scenario/expect.hpp).
  void operator()(std::string_view key, Expect& f, const Spec& s) {
    const auto* n = take(key);
    if (!n) return;
    if (n->is_string()) {
      Expect e;
      (*this)(key, e.outcome, s);
      f = e;
      return;
    }
    if (!n->is_table() || n->as_table()->empty())
      fail(n, key,
           "expected an outcome, or a table like { default = \"ok\", "
           "\"reclaim.kfree_rcu=5.6\" = \"bug\" }, got " +
               type_name(*n));
    Reader sub(*n->as_table(), full(key), file_, root_);
    Expect e;
    for (const auto& [k, v] : *n->as_table()) {
      const std::string cond(k.str());
      std::string outcome;
      sub(cond, outcome, s);
      Expect::Rule r;
      if (const std::string why = Expect::parse_rule(cond, outcome, r); !why.empty())
        sub.fail_at(k.source(), cond, why);
      e.rules.push_back(std::move(r));
    }
    f = e;
  }
  // A number equal to one of the choices (a version such as 5.6 written without quotes) is that
  // choice.
  static bool numeric_choice(const toml::node& n, const Spec& s, std::string& f) {
    const double v = n.value<double>().value();
    for (auto c : s.choices) {
      double d = 0;
      const auto [p, ec] = std::from_chars(c.data(), c.data() + c.size(), d);
      if (ec == std::errc() && p == c.data() + c.size() && d == v) {
        f = std::string(c);
        return true;
      }
    }
    return false;
  }
  template <class T, class Parse>
  T unit_value(const toml::node* n, std::string_view key, const Spec& s, Parse parse) {
    if (!n->is_string()) fail(n, key, "expected a string with a unit, got " + type_name(*n));
    std::string why;
    auto v = parse(n->as_string()->get(), why);
    if (!v) fail(n, key, why);
    check_range(n, key, static_cast<double>(*v), s);
    return static_cast<T>(*v);
  }
  void operator()(std::string_view key, Duration& f, const Spec& s) {
    if (const auto* n = take(key))
      f.ns = unit_value<std::int64_t>(n, key, s, quantity::parse_time_ns);
  }
  void operator()(std::string_view key, Size& f, const Spec& s) {
    if (const auto* n = take(key))
      f.bytes = unit_value<std::uint64_t>(n, key, s, quantity::parse_bytes);
  }
  void operator()(std::string_view key, Frequency& f, const Spec& s) {
    if (const auto* n = take(key)) f.hz = unit_value<std::uint64_t>(n, key, s, quantity::parse_hz);
  }
  template <class Parse>
  Dist dist(const toml::node* n, std::string_view key, const Spec& s, Parse parse) {
    if (n->is_string()) return Dist::constant(unit_value<std::int64_t>(n, key, s, parse));
    if (!n->is_table())
      fail(n, key,
           "expected a value with a unit or a table like "
           "{ dist = \"exp\", mean = ... }, got " +
               type_name(*n));
    const auto& t = *n->as_table();
    Reader sub(t, full(key), file_, root_);
    std::string kind = "const";
    sub("dist", kind, Spec{.choices = {"const", "uniform", "exp"}});
    auto need = [&](std::string_view k) -> std::int64_t {
      const auto* v = sub.take(k);
      if (!v) sub.fail(n, k, fmt::format("required for dist = \"{}\"", kind));
      return sub.unit_value<std::int64_t>(v, k, s, parse);
    };
    Dist d;
    if (kind == "const")
      d = Dist::constant(need("value"));
    else if (kind == "exp")
      d = Dist::exponential(need("mean"));
    else {
      d = Dist::uniform(need("min"), need("max"));
      if (d.a > d.b) sub.fail(t.get("max"), "max", "must not be below min");
    }
    sub.finish();
    return d;
  }
  void operator()(std::string_view key, TimeDist& f, const Spec& s) {
    if (const auto* n = take(key)) f.d = dist(n, key, s, quantity::parse_time_ns);
  }
  void operator()(std::string_view key, SizeDist& f, const Spec& s) {
    auto parse = [](std::string_view v, std::string& why) -> std::optional<std::int64_t> {
      auto b = quantity::parse_bytes(v, why);
      if (!b) return std::nullopt;
      return static_cast<std::int64_t>(*b);
    };
    if (const auto* n = take(key)) f.d = dist(n, key, s, parse);
  }

  template <class T>
  void section(std::string_view key, T& sub) {
    const auto* n = take(key);
    if (!n) return;
    if (!n->is_table()) fail(n, key, "expected a table, got " + type_name(*n));
    Reader r(*n->as_table(), full(key), file_, root_);
    sub.visit(r);
    r.finish();
  }
  template <class T>
  void array(std::string_view key, std::vector<T>& v) {
    const auto* n = take(key);
    if (!n) return;
    const bool empty_array = n->is_array() && n->as_array()->empty();
    if (!n->is_array_of_tables() && !empty_array)
      fail(n, key, fmt::format("expected [[{}]] tables, got {}", key, type_name(*n)));
    v.clear();
    std::size_t i = 0;
    for (const auto& e : *n->as_array()) {
      T item;
      Reader r(*e.as_table(), fmt::format("{}[{}]", full(key), i++), file_, root_);
      item.visit(r);
      r.finish();
      v.push_back(item);
    }
  }
  void finish() const {
    for (const auto& [k, node] : t_)
      if (!used_.count(std::string(k.str()))) fail_at(k.source(), k.str(), "unknown key");
  }

 private:
  const toml::table& t_;
  std::string prefix_;
  const std::string& file_;
  const Config* root_;
  std::set<std::string> used_;
};

// Every cross-key check of a read scenario (shares, ranges, names scripts refer to).
void validate(const Config& c, Reader& top, const toml::table& root);
// Parts of it (check_limits.cpp): the output name, one workload per CPU, time that advances,
// a heap that holds the initial objects.
void validate_name(const Config& c, Reader& top, const toml::table& root);
void validate_workload_cpus(const Config& c, Reader& top, const toml::table& root);
void validate_progress(const Config& c, Reader& top, const toml::table& root);
void validate_heap(const Config& c, Reader& top, const toml::table& root);

}  // namespace rcusim::detail

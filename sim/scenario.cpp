#include "sim/scenario.hpp"

#include <fmt/format.h>

#include <charconv>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "sim/quantity.hpp"

namespace rcusim {
namespace {

std::string type_name(const toml::node& n) {
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
    throw ScenarioError(fmt::format("{}:{}:{}: {}: {}", f, src.begin.line, src.begin.column,
                                    full(key), msg));
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
    const double v = n->value<double>().value();
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
  template <class T, class Parse>
  T unit_value(const toml::node* n, std::string_view key, const Spec& s, Parse parse) {
    if (!n->is_string())
      fail(n, key, "expected a string with a unit, got " + type_name(*n));
    std::string why;
    auto v = parse(n->as_string()->get(), why);
    if (!v) fail(n, key, why);
    check_range(n, key, static_cast<double>(*v), s);
    return static_cast<T>(*v);
  }
  void operator()(std::string_view key, Duration& f, const Spec& s) {
    if (const auto* n = take(key)) f.ns = unit_value<std::int64_t>(n, key, s, quantity::parse_time_ns);
  }
  void operator()(std::string_view key, Size& f, const Spec& s) {
    if (const auto* n = take(key)) f.bytes = unit_value<std::uint64_t>(n, key, s, quantity::parse_bytes);
  }
  void operator()(std::string_view key, Frequency& f, const Spec& s) {
    if (const auto* n = take(key)) f.hz = unit_value<std::uint64_t>(n, key, s, quantity::parse_hz);
  }
  template <class Parse>
  Dist dist(const toml::node* n, std::string_view key, const Spec& s, Parse parse) {
    if (n->is_string()) return Dist::constant(unit_value<std::int64_t>(n, key, s, parse));
    if (!n->is_table()) fail(n, key, "expected a value with a unit or a table like "
                                     "{ dist = \"exp\", mean = ... }, got " + type_name(*n));
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
    if (kind == "const") d = Dist::constant(need("value"));
    else if (kind == "exp") d = Dist::exponential(need("mean"));
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

  template <class T> void section(std::string_view key, T& sub) {
    const auto* n = take(key);
    if (!n) return;
    if (!n->is_table()) fail(n, key, "expected a table, got " + type_name(*n));
    Reader r(*n->as_table(), full(key), file_, root_);
    sub.visit(r);
    r.finish();
  }
  template <class T> void array(std::string_view key, std::vector<T>& v) {
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

// Applies one --set key.path=value to the parsed document.
void apply_override(toml::table& root, const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ScenarioError(fmt::format("--set: {}: expected key.path=value", spec));
  const std::string path = spec.substr(0, eq), value = spec.substr(eq + 1);
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
  for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
    toml::node* n = t->get(segs[i]);
    const bool indexed = !segs[i + 1].empty() &&
                         segs[i + 1].find_first_not_of("0123456789") == std::string::npos;
    if (!n && indexed) {  // e.g. workload.0.read with no [[workload]] in the file
      if (segs[i + 1].size() > 2)
        throw ScenarioError(fmt::format("--set: {}: index {} is too large", path, segs[i + 1]));
      toml::array arr;
      for (std::size_t k = 0; k <= std::stoul(segs[i + 1]); ++k) arr.push_back(toml::table{});
      n = t->insert(segs[i], std::move(arr)).first->second.as_array();
    }
    if (n && n->is_array_of_tables() && indexed) {
      std::size_t idx = 0;
      auto [p, ec] = std::from_chars(segs[i + 1].data(), segs[i + 1].data() + segs[i + 1].size(), idx);
      auto& arr = *n->as_array();
      if (ec != std::errc() || idx >= arr.size())
        throw ScenarioError(fmt::format("--set: {}: no [[{}]] number {}", path, segs[i], segs[i + 1]));
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

const toml::node* nth(const toml::table& root, const char* arr, std::size_t i,
                       const char* sub = nullptr, std::size_t j = 0) {
  const auto* a = root.get(arr);
  if (!a || !a->is_array()) return nullptr;
  const auto* e = a->as_array()->get(i);
  if (!sub || !e || !e->is_table()) return e;
  const auto* b = e->as_table()->get(sub);
  return b && b->is_array() ? b->as_array()->get(j) : e;
}

// Modules, callbacks and scripts refer to each other by name: check every reference.
void validate_scripts(const Config& c, Reader& top, const toml::table& root) {
  std::set<std::string> modules, callbacks, labels, fns;
  // The modules holding the generated object types' callbacks can be unloaded too.
  for (std::int64_t m = 0; m < std::min(c.objects.modules, c.objects.types); ++m)
    modules.insert(fmt::format("mod{}", m));
  for (std::size_t i = 0; i < c.module.size(); ++i) {
    const auto& m = c.module[i];
    const auto* n = nth(root, "module", i);
    if (m.name.empty()) top.fail(n, fmt::format("module[{}].name", i), "required");
    if (!modules.insert(m.name).second) top.fail(n, fmt::format("module[{}].name", i), "duplicate module " + m.name);
    for (std::size_t j = 0; j < m.callbacks.size(); ++j) {
      const auto& cb = m.callbacks[j];
      const std::string key = fmt::format("module[{}].callbacks[{}].name", i, j);
      if (cb.name.empty()) top.fail(nth(root, "module", i, "callbacks", j), key, "required");
      if (!fns.insert(cb.name).second)
        top.fail(nth(root, "module", i, "callbacks", j), key, "duplicate function " + cb.name);
      callbacks.insert(cb.name);
    }
  }
  for (const auto& sc : c.script)
    for (const auto& a : sc.actions)
      if (!a.label.empty()) labels.insert(a.label);
  std::set<std::int64_t> cpus;
  std::set<std::string> seen_labels;
  for (std::size_t i = 0; i < c.script.size(); ++i) {
    const auto& sc = c.script[i];
    const auto* sn = nth(root, "script", i);
    if (sc.cpu >= c.machine.cpus)
      top.fail(sn, fmt::format("script[{}].cpu", i), fmt::format("CPU {} does not exist (machine.cpus = {})", sc.cpu, c.machine.cpus));
    if (!cpus.insert(sc.cpu).second)
      top.fail(sn, fmt::format("script[{}].cpu", i), fmt::format("CPU {} already has a script", sc.cpu));
    for (std::size_t j = 0; j < sc.actions.size(); ++j) {
      const auto& a = sc.actions[j];
      const auto* n = nth(root, "script", i, "actions", j);
      const auto fail = [&](const char* key, const std::string& msg) {
        top.fail(n, fmt::format("script[{}].actions[{}].{}", i, j, key), msg);
      };
      if (a.action.empty()) fail("do", "required");
      if (a.action == "call_rcu" && !callbacks.count(a.callback))
        fail("callback", a.callback.empty() ? "required for call_rcu"
                                            : "no module defines a callback named \"" + a.callback + "\"");
      if ((a.action == "load" || a.action == "unload") && !modules.count(a.module))
        fail("module", a.module.empty() ? "required" : "no [[module]] named \"" + a.module + "\"");
      if ((a.action == "busy" || a.action == "idle" || a.action == "read" || a.action == "user") &&
          a.length.ns <= 0)
        fail("for", "a duration is required for " + a.action);
      if (a.action == "wait" && a.until.empty()) fail("until", "required for wait");
      if (!a.label.empty() && !seen_labels.insert(a.label).second) fail("label", "duplicate label " + a.label);
      for (const auto* ev : {&a.after, &a.until}) {
        if (ev->empty()) continue;
        const std::string& e = *ev;
        const auto colon = e.find(':');
        const std::string kind = e.substr(0, colon), arg = colon == std::string::npos ? "" : e.substr(colon + 1);
        const bool numeric = !arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos;
        bool ok = false;
        if (kind == "gp_end") ok = arg.empty() && colon == std::string::npos;
        else if (kind == "queued" || kind == "invoked") ok = labels.count(arg) > 0;
        else if (kind == "donelist") ok = labels.count(arg) > 0 || (numeric && std::stoll(arg) < c.machine.cpus);
        else if (kind == "unload") ok = modules.count(arg) > 0;
        else if (kind == "barrier_done") ok = numeric && std::stoll(arg) < c.machine.cpus;
        if (!ok)
          fail(ev == &a.after ? "after" : "until",
               "\"" + e + "\" is not an event: use queued:<label>, donelist:<label>, invoked:<label>, "
               "donelist:<cpu>, gp_end, unload:<module> or barrier_done:<cpu> with a defined label, "
               "module or CPU");
      }
    }
  }
}

void validate(const Config& c, Reader& top, const toml::table& root) {
  auto where = [&](std::string_view sect, std::string_view key) -> const toml::node* {
    const auto* s = root.get(sect);
    if (s && s->is_table() && s->as_table()->get(key)) return s->as_table()->get(key);
    return s ? s : nullptr;
  };
  if (c.objects.kfree_only + c.objects.cache_only > 1.0)
    top.fail(where("objects", "cache_only"), "objects.cache_only",
             "kfree_only + cache_only must not exceed 1");
  const auto& h = c.objects.head_offset;
  if (h != "end" && h != "start" && h != "random") {
    std::string why;
    const auto off = quantity::parse_bytes(h, why);
    if (!off)
      top.fail(where("objects", "head_offset"), "objects.head_offset",
               "expected \"end\", \"start\", \"random\" or a byte offset: " + why);
    if (*off > (1u << 20))
      top.fail(where("objects", "head_offset"), "objects.head_offset", "must not exceed 1MiB");
    if (*off < 16)
      top.fail(where("objects", "head_offset"), "objects.head_offset",
               "must be at least 16B: bytes 0-15 hold the object's data and generation words");
  }
  if (const std::string why = validate(c.cache.to_cache(), static_cast<int>(c.machine.cpus)); !why.empty()) {
    // validate() names "<level>.<field>: why"; point at that key of [cache].
    const std::string field = why.substr(0, why.find(':'));
    const auto dot = field.find('.');
    const toml::node* n = root.get("cache");
    if (n && n->is_table() && dot != std::string::npos) {
      const auto* lvl = n->as_table()->get(field.substr(0, dot));
      if (lvl && lvl->is_table() && lvl->as_table()->get(field.substr(dot + 1)))
        n = lvl->as_table()->get(field.substr(dot + 1));
    }
    top.fail(n, "cache." + field, why.substr(why.find(':') + 2));
  }
  // A tick handler longer than the tick period would never let the CPU run anything else.
  const std::int64_t period = static_cast<std::int64_t>(c.machine.freq.hz / static_cast<std::uint64_t>(c.machine.hz));
  if (c.costs.tick + c.costs.softirq >= period / 2)
    top.fail(where("costs", "tick"), "costs.tick",
             fmt::format("{} cycles (+ costs.softirq) leave no time between ticks: a tick period is "
                         "{} cycles at machine.freq and machine.hz",
                         c.costs.tick, period));
  if (c.rcu.qlowmark > c.rcu.qhimark)
    top.fail(where("rcu", "qlowmark"), "rcu.qlowmark", "must not exceed rcu.qhimark");
  const auto* wl = root.get("workload");
  for (std::size_t i = 0; i < c.workload.size(); ++i) {
    const auto& w = c.workload[i];
    const toml::node* n = wl && wl->is_array() ? wl->as_array()->get(i) : nullptr;
    try {
      parse_cpu_list(w.cpus, static_cast<int>(c.machine.cpus));
    } catch (const std::invalid_argument& e) {
      top.fail(n, fmt::format("workload[{}].cpus", i), e.what());
    }
    if (w.read + w.update + w.user + w.idle <= 0)
      top.fail(n, fmt::format("workload[{}]", i), "all activity weights are zero");
  }
  validate_scripts(c, top, root);
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
        throw std::invalid_argument(fmt::format("\"{}\" is not \"all\" or a CPU list like \"0-3,6\"", s));
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
  validate(c, r, root);
  return c;
}

Config load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ScenarioError(fmt::format("{}: cannot open scenario file (not a regular file)", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(fmt::format("{}: cannot open scenario file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path, overrides);
}

namespace {

nlohmann::json dist_json(const Dist& d, std::string (*fmt_one)(std::int64_t)) {
  switch (d.kind) {
    case Dist::Kind::constant: return fmt_one(d.a);
    case Dist::Kind::uniform: return {{"dist", "uniform"}, {"min", fmt_one(d.a)}, {"max", fmt_one(d.b)}};
    case Dist::Kind::exponential: return {{"dist", "exp"}, {"mean", fmt_one(d.a)}};
  }
  return nullptr;
}
std::string time_str(std::int64_t v) { return quantity::format_time_ns(v); }
std::string size_str(std::int64_t v) { return quantity::format_bytes(static_cast<std::uint64_t>(v)); }

struct JsonWriter {
  nlohmann::json& j;
  template <class T> void operator()(std::string_view k, const T& f, const Spec&) {
    if constexpr (std::is_same_v<T, Duration>) {
      if (f.ns < 0) j[std::string(k)] = nullptr;  // unset optional time
      else j[std::string(k)] = time_str(f.ns);
    }
    else if constexpr (std::is_same_v<T, Size>) j[std::string(k)] = quantity::format_bytes(f.bytes);
    else if constexpr (std::is_same_v<T, Frequency>) j[std::string(k)] = quantity::format_hz(f.hz);
    else if constexpr (std::is_same_v<T, TimeDist>) j[std::string(k)] = dist_json(f.d, time_str);
    else if constexpr (std::is_same_v<T, SizeDist>) j[std::string(k)] = dist_json(f.d, size_str);
    else j[std::string(k)] = f;
  }
  template <class T> void section(std::string_view k, T& sub) {
    nlohmann::json s = nlohmann::json::object();
    JsonWriter w{s};
    sub.visit(w);
    j[std::string(k)] = s;
  }
  template <class T> void array(std::string_view k, std::vector<T>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (auto& item : v) {
      nlohmann::json s = nlohmann::json::object();
      JsonWriter w{s};
      item.visit(w);
      a.push_back(s);
    }
    j[std::string(k)] = a;
  }
};

struct DocWriter {
  std::string prefix;
  std::string& out;
  template <class T> void operator()(std::string_view k, const T& f, const Spec& s) {
    nlohmann::json tmp = nlohmann::json::object();
    JsonWriter w{tmp};
    w(k, f, s);
    std::string def = tmp[std::string(k)].dump();
    std::string doc(s.doc);
    if (!s.choices.empty()) {
      std::string list;
      for (auto c : s.choices) list += fmt::format("{}`{}`", list.empty() ? "" : ", ", c);
      doc += " (one of " + list + ")";
    }
    out += fmt::format("| `{}{}` | `{}` | {} |\n", prefix, k, def, doc);
  }
  template <class T> void section(std::string_view k, T& sub) {
    DocWriter w{prefix + std::string(k) + ".", out};
    sub.visit(w);
  }
  template <class T> void array(std::string_view k, std::vector<T>&) {
    T item;
    DocWriter w{prefix + "[[" + std::string(k) + "]].", out};
    item.visit(w);
  }
};

}  // namespace

nlohmann::json to_json(const Config& cfg) {
  nlohmann::json j = nlohmann::json::object();
  JsonWriter w{j};
  const_cast<Config&>(cfg).visit(w);
  return j;
}

std::string key_reference() {
  std::string out = "| key | default | meaning |\n|---|---|---|\n";
  Config c;
  DocWriter w{"", out};
  c.visit(w);
  return out;
}

}  // namespace rcusim

// The resolved scenario as JSON (summary.json) and the key reference (`rcusim keys`, README),
// both walking Config::visit() like the reader does.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sim/base/quantity.hpp"
#include "sim/scenario/scenario.hpp"

namespace rcusim {
namespace {

nlohmann::json dist_json(const Dist& d, std::string (*fmt_one)(std::int64_t)) {
  switch (d.kind) {
    case Dist::Kind::constant: return fmt_one(d.a);
    case Dist::Kind::uniform:
      return {{"dist", "uniform"}, {"min", fmt_one(d.a)}, {"max", fmt_one(d.b)}};
    case Dist::Kind::exponential: return {{"dist", "exp"}, {"mean", fmt_one(d.a)}};
  }
  return nullptr;
}
std::string time_str(std::int64_t v) { return quantity::format_time_ns(v); }
std::string size_str(std::int64_t v) {
  return quantity::format_bytes(static_cast<std::uint64_t>(v));
}

struct JsonWriter {
  nlohmann::json& j;
  template <class T>
  void operator()(std::string_view k, const T& f, const Spec&) {
    if constexpr (std::is_same_v<T, Duration>) {
      if (f.ns < 0)
        j[std::string(k)] = nullptr;  // unset optional time
      else
        j[std::string(k)] = time_str(f.ns);
    } else if constexpr (std::is_same_v<T, Size>)
      j[std::string(k)] = quantity::format_bytes(f.bytes);
    else if constexpr (std::is_same_v<T, Frequency>)
      j[std::string(k)] = quantity::format_hz(f.hz);
    else if constexpr (std::is_same_v<T, TimeDist>)
      j[std::string(k)] = dist_json(f.d, time_str);
    else if constexpr (std::is_same_v<T, SizeDist>)
      j[std::string(k)] = dist_json(f.d, size_str);
    else
      j[std::string(k)] = f;
  }
  template <class T>
  void section(std::string_view k, T& sub) {
    nlohmann::json s = nlohmann::json::object();
    JsonWriter w{s};
    sub.visit(w);
    j[std::string(k)] = s;
  }
  template <class T>
  void array(std::string_view k, std::vector<T>& v) {
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
  template <class T>
  void operator()(std::string_view k, const T& f, const Spec& s) {
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
  template <class T>
  void section(std::string_view k, T& sub) {
    DocWriter w{prefix + std::string(k) + ".", out};
    sub.visit(w);
  }
  template <class T>
  void array(std::string_view k, std::vector<T>&) {
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

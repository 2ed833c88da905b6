#include "sim/base/quantity.hpp"

#include <fmt/format.h>
#include <charconv>
#include <cmath>

namespace rcusim::quantity {
namespace {

struct Unit {
  std::string_view name;
  double scale;
};

// Splits "2.5ms" into 2.5 and "ms", then scales; the result must be a whole number of the base
// unit so that nothing in a scenario is silently rounded.
template <std::size_t N>
std::optional<double> parse_with(std::string_view s, const Unit (&units)[N], std::string_view what,
                                 std::string& why) {
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  const std::string_view num = s.substr(0, i), unit = s.substr(i);
  double v = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  std::string names;
  for (const auto& u : units) names += fmt::format("{}{}", names.empty() ? "" : ", ", u.name);
  if (num.empty() || ec != std::errc() || p != num.data() + num.size()) {
    why = fmt::format("expected a {} such as \"{}{}\", got \"{}\"", what, "2", units[0].name, s);
    return std::nullopt;
  }
  for (const auto& u : units) {
    if (unit == u.name) {
      const double scaled = v * u.scale;
      if (scaled > 9.2e18) {
        why = fmt::format("{} \"{}\" is too large", what, s);
        return std::nullopt;
      }
      if (std::fabs(scaled - std::round(scaled)) > 1e-6) {
        why = fmt::format("{} \"{}\" is not a whole number of {}", what, s, units[0].name);
        return std::nullopt;
      }
      return std::round(scaled);
    }
  }
  why = fmt::format("{} \"{}\" needs a unit: one of {}", what, s, names);
  return std::nullopt;
}

constexpr Unit kTime[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
constexpr Unit kBytes[] = {{"B", 1}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}};
constexpr Unit kHz[] = {{"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};

}  // namespace

std::optional<std::int64_t> parse_time_ns(std::string_view s, std::string& why) {
  auto v = parse_with(s, kTime, "duration", why);
  if (!v) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::optional<std::uint64_t> parse_bytes(std::string_view s, std::string& why) {
  auto v = parse_with(s, kBytes, "size", why);
  if (!v) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

std::optional<std::uint64_t> parse_hz(std::string_view s, std::string& why) {
  auto v = parse_with(s, kHz, "frequency", why);
  if (!v) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

namespace {
template <class T, std::size_t N>
std::string format_with(T v, const Unit (&units)[N]) {
  for (std::size_t i = N; i-- > 1;) {
    const auto s = static_cast<T>(units[i].scale);
    if (v != 0 && v % s == 0) return fmt::format("{}{}", v / s, units[i].name);
  }
  return fmt::format("{}{}", v, units[0].name);
}
}  // namespace

std::string format_time_ns(std::int64_t ns) { return format_with(ns, kTime); }
std::string format_bytes(std::uint64_t b) { return format_with(b, kBytes); }
std::string format_hz(std::uint64_t hz) { return format_with(hz, kHz); }

}  // namespace rcusim::quantity

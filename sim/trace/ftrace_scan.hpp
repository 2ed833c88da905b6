// Small text-scanning helpers shared by the ftrace reader's parts: whitespace tokens and
// printf-style numbers read back with std::from_chars (no locale, no exceptions, overflow
// detected). Internal to sim/trace.
#pragma once
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace rcusim::ftrace::scan {

// Blanks, and the stray carriage returns of files that passed through other systems.
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::string_view ltrim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}
constexpr std::string_view rtrim(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
constexpr std::string_view trim(std::string_view s) { return rtrim(ltrim(s)); }

// The whole of s as an integer of type T in `base`; a leading '-' only for signed T.
template <class T>
std::optional<T> to_int(std::string_view s, int base = 10) {
  if (s.empty() || s.front() == '+') return std::nullopt;
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A %ld field. Older kernels printed the same counters with %lu, so values above LONG_MAX
// are taken as the (long) cast of an unsigned long, as the kernel's own casts do.
inline std::optional<std::int64_t> to_long(std::string_view s) {
  if (auto v = to_int<std::int64_t>(s)) return v;
  if (auto u = to_int<std::uint64_t>(s)) return static_cast<std::int64_t>(*u);
  return std::nullopt;
}

// A %lx field: 1 to 16 hex digits, no prefix.
inline std::optional<std::uint64_t> to_hex(std::string_view s) {
  if (s.empty() || s.size() > 16 || s.front() == '-') return std::nullopt;
  return to_int<std::uint64_t>(s, 16);
}

// Input text for a message: at most `max` bytes, control bytes as '?', "..." when cut.
inline std::string shown(std::string_view s, std::size_t max = 40) {
  std::string out(s.substr(0, max));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (s.size() > max) out += "...";
  return out;
}

// Reads whitespace-separated tokens left to right.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : rest_(ltrim(s)) {}
  bool done() const { return rest_.empty(); }
  std::string_view rest() const { return rest_; }
  std::string_view word() {
    std::size_t i = 0;
    while (i < rest_.size() && !is_space(rest_[i])) ++i;
    std::string_view w = rest_.substr(0, i);
    rest_ = ltrim(rest_.substr(i));
    return w;
  }
  std::string_view take_rest() {
    std::string_view r = rtrim(rest_);
    rest_ = {};
    return r;
  }

 private:
  std::string_view rest_;
};

}  // namespace rcusim::ftrace::scan

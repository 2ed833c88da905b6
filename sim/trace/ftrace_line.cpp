// parse_ftrace_line(): the context trace_print_context() prints (kernel/trace/trace_output.c,
// v6.6: "%16s-%-7d ", "(%7d) " with record-tgid, "[%03d] ", the latency flags, " %5lu.%06lu",
// ": "), then "<event>: " and the fields. `trace-cmd report` prints the same columns
// ("%16s-%-5d [%03d]", flags only with latency info, nanoseconds with -t). Whitespace runs
// are accepted wherever the kernel pads, since mail and editors often collapse them.
#include <fmt/format.h>

#include "sim/trace/ftrace_reader.hpp"
#include "sim/trace/ftrace_scan.hpp"

namespace rcusim::ftrace {
namespace {

using namespace scan;

// A latency-flags column: 4 characters on older kernels, 5 since the migrate-disable column
// (as v6.6 prints), more on PREEMPT_RT kernels; letters, digits (depths) and '.'.
bool is_flags(std::string_view t) {
  if (t.empty() || t.size() > 8) return false;
  for (char c : t)
    if (!(c == '.' || is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
      return false;
  return true;
}

// "<secs>.<6 or 9 digits>" as integer nanoseconds, exactly.
std::optional<std::int64_t> timestamp_ns(std::string_view t) {
  std::size_t dot = t.find('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string_view frac = t.substr(dot + 1);
  if (frac.size() != 6 && frac.size() != 9) return std::nullopt;
  if (!is_digit(t.front()) || !is_digit(frac.front())) return std::nullopt;
  auto secs = to_int<std::int64_t>(t.substr(0, dot));
  auto f = to_int<std::int64_t>(frac);
  if (!secs || !f) return std::nullopt;
  std::int64_t f_ns = frac.size() == 6 ? *f * 1000 : *f;
  if (*secs > (INT64_MAX - f_ns) / 1'000'000'000) return std::nullopt;
  return *secs * 1'000'000'000 + f_ns;
}

// Finds "<comm>-<pid> [(<tgid>)] [<cpu>] " and fills comm, pid, cpu; returns the offset just
// past "]", or npos. The first '[' that fits wins. Each candidate is checked by a forward scan
// over "[digits]" and a backward scan over the whitespace and digits before it; those spans
// never overlap between candidates, so the search is linear in the line.
std::size_t find_context(std::string_view s, FtraceLine& out) {
  for (std::size_t lb = s.find('['); lb != std::string_view::npos; lb = s.find('[', lb + 1)) {
    std::size_t rb = lb + 1;
    while (rb < s.size() && is_digit(s[rb])) ++rb;
    if (rb == lb + 1 || rb >= s.size() || s[rb] != ']') continue;
    if (rb + 1 < s.size() && !is_space(s[rb + 1])) continue;
    std::size_t b = lb;
    while (b > 0 && is_space(s[b - 1])) --b;
    if (b == lb) continue;
    if (b > 0 && s[b - 1] == ')') {  // "(%7d) " or "(-------) ": the thread-group id
      std::size_t open = b - 1;
      while (open > 0 && b - 1 - open < 10 && s[open] != '(') --open;
      if (s[open] != '(') continue;
      std::size_t nb = open;
      while (nb > 0 && is_space(s[nb - 1])) --nb;
      if (nb == open) continue;
      b = nb;
    }
    std::size_t pid_end = b;
    while (b > 0 && is_digit(s[b - 1])) --b;
    if (b == pid_end || b == 0 || s[b - 1] != '-') continue;
    auto pid = to_int<int>(s.substr(b, pid_end - b));
    auto cpu = to_int<int>(s.substr(lb + 1, rb - lb - 1));
    if (!pid || !cpu) continue;
    out.comm = ltrim(s.substr(0, b - 1));
    out.pid = *pid;
    out.cpu = *cpu;
    return rb + 1;
  }
  return std::string_view::npos;
}

std::optional<FtraceLine> fail(std::string& why, std::string what) {
  why = std::move(what);
  return std::nullopt;
}

}  // namespace

std::optional<FtraceLine> parse_ftrace_line(std::string_view line, std::string& why) {
  FtraceLine out;
  std::size_t at = find_context(line, out);
  if (at == std::string_view::npos) return fail(why, "no '<comm>-<pid> [<cpu>]' at its start");
  Cursor c(line.substr(at));
  std::string_view t = c.word();
  if (t.empty() || t.back() != ':') {
    if (!is_flags(t)) return fail(why, fmt::format("'{}' is not a flags column", shown(t, 16)));
    out.flags = t;
    t = c.word();
  }
  if (t.empty() || t.back() != ':') return fail(why, "no '<seconds>:' timestamp");
  t.remove_suffix(1);
  auto ts = timestamp_ns(t);
  if (!ts)
    return fail(why, fmt::format("timestamp '{}' is not <seconds>.<6 or 9 digits>", shown(t, 32)));
  out.ts_ns = *ts;
  std::string_view rest = c.take_rest();
  std::size_t i = 0;
  while (i < rest.size() && rest[i] != ':' && !is_space(rest[i])) ++i;
  if (i > 0 && i < rest.size() && rest[i] == ':') {
    out.event = rest.substr(0, i);
    rest = ltrim(rest.substr(i + 1));
  }
  out.fields = rest;  // function-tracer lines have no "<event>:"; the text is kept whole
  return out;
}

}  // namespace rcusim::ftrace

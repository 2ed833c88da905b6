// parse_line(): what one line of ftrace text is (see LineKind).
#include <fmt/format.h>

#include "sim/trace/ftrace_reader.hpp"
#include "sim/trace/ftrace_scan.hpp"

namespace rcusim::ftrace {
namespace {

constexpr bool is_ident(char c) {
  return c == '_' || scan::is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Header and comment lines of the `trace` file ('#'), and the annotations the kernel and
// trace-cmd print between events: "CPU:%d [LOST %lu EVENTS]", trace-cmd's "cpus=%d" and
// "CPU:%d [EVENTS DROPPED]".
bool is_comment(std::string_view t) {
  return t.empty() || t.front() == '#' || t.substr(0, 5) == "cpus=" || t.substr(0, 4) == "CPU:";
}

// The RCU event a line names ("rcu_batch_start:" anywhere), when its layout is broken: such a
// line is a bad RCU line, not text to skip. Each identifier is scanned once: linear.
std::string_view named_rcu_event(std::string_view s) {
  std::size_t p = s.find("rcu_");
  while (p != std::string_view::npos) {
    if (p > 0 && is_ident(s[p - 1])) {
      p = s.find("rcu_", p + 1);
      continue;
    }
    std::size_t e = p;
    while (e < s.size() && is_ident(s[e])) ++e;
    std::string_view name = s.substr(p, e - p);
    if (e < s.size() && s[e] == ':' && rcu_event_index(name)) return name;
    p = s.find("rcu_", e);
  }
  return {};
}

}  // namespace

LineResult parse_line(std::string_view text) {
  LineResult r;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.size() > kMaxLine) {
    r.kind = LineKind::bad;
    r.reason = fmt::format("line longer than {} bytes", kMaxLine);
    return r;
  }
  if (is_comment(scan::trim(text))) return r;
  std::string why;
  std::optional<FtraceLine> line = parse_ftrace_line(text, why);
  if (!line) {
    std::string_view name = named_rcu_event(text);
    r.kind = name.empty() ? LineKind::not_event : LineKind::bad;
    r.reason = name.empty() ? why : fmt::format("{} line: {}", name, why);
    return r;
  }
  r.line = std::move(*line);
  if (!rcu_event_index(r.line.event)) {
    r.kind = LineKind::other_event;
    return r;
  }
  r.fields = decode_rcu_fields(r.line.event, r.line.fields, why);
  r.kind = r.fields ? LineKind::rcu : LineKind::bad;
  if (!r.fields) r.reason = std::move(why);
  return r;
}

}  // namespace rcusim::ftrace

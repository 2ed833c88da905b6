#include "sim/cli/trace_args.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <stdexcept>

#include "sim/base/quantity.hpp"

namespace rcusim {

void add_trace_options(CLI::App& sub, TraceArgs& a) {
  sub.add_option("--trace", a.formats,
                 "write trace.txt (ftrace: the kernel's trace file) and/or trace.json "
                 "(perfetto: Trace Event Format)")
      ->delimiter(',')
      ->check(CLI::IsMember({"ftrace", "perfetto"}));
  sub.add_option("--trace-cap", a.cap, "events kept at most; the trace ends where it is reached")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub.add_option("--trace-window", a.window,
                 "simulated time to trace: START,END (e.g. 1ms,2ms; END empty: to the end)");
  sub.add_flag("--trace-ns", a.ns, "trace.txt timestamps in ns (9 digits, as trace-cmd report -t)");
}

TraceOptions trace_options(const TraceArgs& a) {
  TraceOptions o;
  for (const std::string& f : a.formats) (f == "ftrace" ? o.ftrace : o.perfetto) = true;
  o.cap = a.cap;
  o.ns_times = a.ns;
  if (a.window.empty()) return o;
  const auto comma = a.window.find(',');
  if (comma == std::string::npos)
    throw std::invalid_argument(fmt::format("--trace-window {}: expected START,END", a.window));
  std::string why;
  const std::string start = a.window.substr(0, comma), end = a.window.substr(comma + 1);
  const auto time = [&](const std::string& s, std::int64_t none) -> std::int64_t {
    if (s.empty()) return none;
    const auto v = quantity::parse_time_ns(s, why);
    if (!v) throw std::invalid_argument(fmt::format("--trace-window {}: {}", a.window, why));
    return *v;
  };
  o.window_start_ns = time(start, 0);
  o.window_end_ns = time(end, -1);
  if (o.window_end_ns >= 0 && o.window_end_ns <= o.window_start_ns)
    throw std::invalid_argument(
        fmt::format("--trace-window {}: END must come after START", a.window));
  return o;
}

}  // namespace rcusim

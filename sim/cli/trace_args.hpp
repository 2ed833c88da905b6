// The --trace options `run` and `replay` share: which trace files to write (trace.txt in ftrace
// text, trace.json in the Trace Event Format), the event cap, a time window, ns timestamps.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine/trace_recorder.hpp"

namespace CLI {
class App;
}

namespace rcusim {

struct TraceArgs {
  std::vector<std::string> formats;
  std::uint64_t cap = TraceOptions{}.cap;
  std::string window;
  bool ns = false;
};

void add_trace_options(CLI::App& sub, TraceArgs& a);
// Throws std::invalid_argument naming the option when the window does not parse.
TraceOptions trace_options(const TraceArgs& a);

}  // namespace rcusim

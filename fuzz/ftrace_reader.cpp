// libFuzzer harness for the ftrace text reader (sim/trace): arbitrary bytes must never crash
// it or make it throw. Beyond that it checks that
//  - reading in chunks gives what reading in one piece gives;
//  - each line decoded as an RCU event, written back (ftrace_format.hpp, nanosecond
//    timestamps so none is rounded), decodes to the same context and fields.
// Each line also goes to parse_line() directly, so lines of input the reader rejects as
// binary are parsed too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sim/trace/ftrace_format.hpp"
#include "sim/trace/ftrace_reader.hpp"

using namespace rcusim::ftrace;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

bool same(const FtraceRead& a, const FtraceRead& b) {
  return a.input == b.input && a.message == b.message && a.events == b.events &&
         a.lines == b.lines && a.comments == b.comments && a.not_events == b.not_events &&
         a.other_events == b.other_events && a.rcu_events == b.rcu_events && a.bad == b.bad &&
         a.first_bad.size() == b.first_bad.size() && a.first_not_event == b.first_not_event;
}

void round_trip(std::string_view line) {
  LineResult r = parse_line(line);
  if (r.kind != LineKind::rcu) return;
  require(r.fields.has_value());
  std::string again = format_line(r.line, *r.fields, TimeUnit::ns);
  if (again.size() > kMaxLine) return;  // the padding can push a long line past the cap
  LineResult b = parse_line(again);
  require(b.kind == LineKind::rcu);
  require(*b.fields == *r.fields);
  require(b.line.comm == r.line.comm && b.line.pid == r.line.pid && b.line.cpu == r.line.cpu &&
          b.line.flags == r.line.flags && b.line.ts_ns == r.line.ts_ns);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    FtraceRead whole = read_ftrace(in);
    FtraceReader parts;
    std::size_t step = 1 + (size > 0 ? data[0] % 61 : 0);
    for (std::size_t i = 0; i < size; i += step) parts.feed(in.substr(i, step));
    require(same(whole, parts.finish()));
    for (const RcuRecord& e : whole.events) require(e.line_no >= 1 && e.line_no <= whole.lines);

    while (!in.empty()) {
      std::size_t nl = in.find('\n');
      round_trip(in.substr(0, nl));
      if (nl == std::string_view::npos) break;
      in.remove_prefix(nl + 1);
    }
  } catch (const FtraceError&) {
    // The documented exception; in-memory input never raises it.
  }
  return 0;
}

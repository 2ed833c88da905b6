// Reading Linux ftrace text: the `trace` / `trace_pipe` files of /sys/kernel/tracing and the
// output of `trace-cmd report` (trace-cmd reads only binary trace.dat files, so text is what
// reaches us). Lines look like
//   <comm>-<pid> [(<tgid>)] [<cpu>] [<flags>] <secs>.<usecs|nsecs>: <event>: <fields>
// (trace_print_context(), kernel/trace/trace_output.c, v6.6). RCU events decode into typed
// fields (ftrace_event.hpp); older kernels' forms are accepted.
//
// Errors: nothing here throws because of the bytes read. Bad lines are counted and described;
// input that is not ftrace text is reported in FtraceRead::input and message. The only
// exceptions are std::bad_alloc, and FtraceError when a file or stream cannot be read.
#pragma once
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/ftrace_event.hpp"

namespace rcusim::ftrace {

struct FtraceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMaxLine = 64 * 1024;  // longer lines are bad lines

// The RCU event's typed fields from its TP_printk() text; nullopt with `why` set when the
// event is not one we decode (see rcu_event_index()) or its text does not match.
std::optional<RcuFields> decode_rcu_fields(std::string_view event, std::string_view fields,
                                           std::string& why);

// The context, event name and raw fields of one line; nullopt with `why` set when the line
// does not have that layout.
std::optional<FtraceLine> parse_ftrace_line(std::string_view line, std::string& why);

enum class LineKind : std::uint8_t {
  comment,      // blank, '#' header/comment, or an annotation (cpus=N, CPU:N [LOST ...])
  not_event,    // text without the ftrace line layout
  other_event,  // an event we do not decode (callers skip these), RCU ones such as
                // rcu_utilization included
  rcu,          // an RCU event, decoded
  bad,          // an RCU event line that does not decode, or a line longer than kMaxLine
};

struct LineResult {
  LineKind kind = LineKind::comment;
  FtraceLine line;                  // set for other_event and rcu (and bad, where it parsed)
  std::optional<RcuFields> fields;  // set for rcu
  std::string reason;               // set for bad and not_event
};

// Classifies one line (without its '\n'; a trailing '\r' is ignored).
LineResult parse_line(std::string_view line);

enum class Input : std::uint8_t {
  text,        // ftrace text (possibly with no events)
  trace_dat,   // trace-cmd's binary trace.dat
  compressed,  // gzip, xz or zstd data
  binary,      // other binary data
  not_ftrace,  // text, but no line has the ftrace layout
};

struct BadLine {
  std::size_t line_no = 0;
  std::string reason;
};

struct ReadOptions {
  std::size_t max_reported = 5;  // bad lines described in FtraceRead::first_bad
};

struct FtraceRead {
  Input input = Input::text;
  std::string message;            // why the input is not ftrace text; empty for text
  std::vector<RcuRecord> events;  // in file order (empty when a sink took them)
  std::size_t lines = 0, comments = 0, not_events = 0, other_events = 0, rcu_events = 0;
  std::size_t bad = 0;  // bad lines; the first few described below
  std::vector<BadLine> first_bad;
  std::size_t first_not_event = 0;  // line number of the first not_event line, 0 if none
  bool ok() const { return input == Input::text; }
};

// Incremental reader: feed bytes in chunks of any size, then finish(). The first 4 KiB decide
// whether the input is text at all. Linear in the input; memory bounded by kMaxLine plus
// the events kept. With a sink, each RCU event goes to it instead of FtraceRead::events.
class FtraceReader {
 public:
  using Sink = std::function<void(RcuRecord&&)>;
  explicit FtraceReader(ReadOptions opt = {}, Sink sink = {});
  void feed(std::string_view bytes);
  FtraceRead finish();

 private:
  void classify();
  void scan(std::string_view bytes);
  void end_line();
  void take(LineResult&& r);

  ReadOptions opt_;
  Sink sink_;
  FtraceRead out_;
  std::string head_;  // bytes held until the input is classified
  bool classified_ = false;
  std::string pending_;    // the current line's bytes so far
  bool too_long_ = false;  // the current line is past kMaxLine
  std::string first_not_event_why_;
};

FtraceRead read_ftrace(std::string_view text, const ReadOptions& opt = {});
// Throws FtraceError when the stream fails (I/O error).
FtraceRead read_ftrace(std::istream& in, const ReadOptions& opt = {}, FtraceReader::Sink sink = {});
// Throws FtraceError naming the file when it cannot be opened or read.
FtraceRead read_ftrace_file(const std::string& path, const ReadOptions& opt = {},
                            FtraceReader::Sink sink = {});

}  // namespace rcusim::ftrace

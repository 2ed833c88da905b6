// FtraceReader: splits the bytes into lines (capped at kMaxLine), classifies each with
// parse_line() and keeps the RCU events; first decides from the input's first 4 KiB whether
// it is text at all.
#include "sim/trace/ftrace_reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <vector>

namespace rcusim::ftrace {
namespace {

constexpr std::size_t kSniff = 4096;

bool starts_with(std::string_view s, std::string_view magic) {
  return s.substr(0, magic.size()) == magic;
}

// Control bytes other than whitespace: text has (almost) none.
bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f;
}

// What `head` (the input's first bytes) is; message says why when it is not text.
Input sniff(std::string_view head, std::string& message) {
  using namespace std::string_view_literals;
  // trace-cmd's trace.dat magic, tracecmd_output_write_init() in lib/trace-cmd/trace-output.c.
  if (starts_with(head, "\x17\x08\x44tracing"sv)) {
    message =
        "a binary trace.dat (trace-cmd record output): run `trace-cmd report` on it and "
        "read its text output";
    return Input::trace_dat;
  }
  if (starts_with(head, "PERFILE2"sv)) {
    message = "a binary perf.data: run `perf script` on it";
    return Input::binary;
  }
  if (starts_with(head, "\x1f\x8b"sv) ||
      starts_with(head,
                  "\xfd"
                  "7zXZ"sv) ||
      starts_with(head, "\x28\xb5\x2f\xfd"sv)) {
    message = "compressed data (gzip, xz or zstd): decompress it first";
    return Input::compressed;
  }
  // Text has no NUL and (almost) no other control bytes.
  std::size_t controls = 0, first = 0;
  bool nul = false;
  for (std::size_t i = 0; i < head.size(); ++i) {
    auto c = static_cast<unsigned char>(head[i]);
    if (!is_control(c)) continue;
    if (controls++ == 0) first = i;
    nul = nul || c == 0;
  }
  if (nul || controls * 64 > head.size()) {
    message = fmt::format("binary data, not ftrace text (byte {} is 0x{:02x})", first,
                          static_cast<unsigned char>(head[first]));
    return Input::binary;
  }
  return Input::text;
}

}  // namespace

FtraceReader::FtraceReader(ReadOptions opt, Sink sink) : opt_(opt), sink_(std::move(sink)) {}

void FtraceReader::feed(std::string_view bytes) {
  if (classified_) {
    if (out_.input == Input::text) scan(bytes);
    return;
  }
  std::size_t n = std::min(bytes.size(), kSniff - head_.size());
  head_.append(bytes.substr(0, n));
  if (head_.size() < kSniff) return;
  classify();
  if (out_.input == Input::text) scan(bytes.substr(n));
}

void FtraceReader::classify() {
  classified_ = true;
  out_.input = sniff(head_, out_.message);
  if (out_.input == Input::text) scan(head_);
  head_ = std::string();
}

void FtraceReader::scan(std::string_view bytes) {
  while (!bytes.empty()) {
    std::size_t nl = bytes.find('\n');
    std::string_view part = bytes.substr(0, nl);
    if (!too_long_ && pending_.size() + part.size() > kMaxLine) {
      too_long_ = true;
      pending_ = std::string();
    }
    if (!too_long_) pending_.append(part);
    if (nl == std::string_view::npos) return;
    end_line();
    bytes.remove_prefix(nl + 1);
  }
}

void FtraceReader::end_line() {
  ++out_.lines;
  if (too_long_) {
    LineResult r;
    r.kind = LineKind::bad;
    r.reason = fmt::format("line longer than {} bytes", kMaxLine);
    take(std::move(r));
  } else {
    take(parse_line(pending_));
  }
  pending_.clear();
  too_long_ = false;
}

void FtraceReader::take(LineResult&& r) {
  switch (r.kind) {
    case LineKind::comment: ++out_.comments; break;
    case LineKind::not_event:
      if (out_.not_events++ == 0) {
        out_.first_not_event = out_.lines;
        first_not_event_why_ = std::move(r.reason);
      }
      break;
    case LineKind::other_event: ++out_.other_events; break;
    case LineKind::rcu: {
      ++out_.rcu_events;
      RcuRecord rec{out_.lines, std::move(r.line), std::move(*r.fields)};
      if (sink_)
        sink_(std::move(rec));
      else
        out_.events.push_back(std::move(rec));
      break;
    }
    case LineKind::bad:
      if (out_.bad++ < opt_.max_reported)
        out_.first_bad.push_back(BadLine{out_.lines, std::move(r.reason)});
      break;
  }
}

FtraceRead FtraceReader::finish() {
  if (!classified_) classify();
  if (out_.input == Input::text && (!pending_.empty() || too_long_)) end_line();
  if (out_.input == Input::text && out_.rcu_events + out_.other_events + out_.bad == 0 &&
      out_.not_events > 0) {
    out_.input = Input::not_ftrace;
    out_.message = fmt::format(
        "not ftrace text: no line reads '<comm>-<pid> [<cpu>] <flags> <seconds>: <event>: "
        "<fields>' (line {}: {})",
        out_.first_not_event, first_not_event_why_);
  }
  return std::move(out_);
}

FtraceRead read_ftrace(std::string_view text, const ReadOptions& opt) {
  FtraceReader r(opt);
  r.feed(text);
  return r.finish();
}

FtraceRead read_ftrace(std::istream& in, const ReadOptions& opt, FtraceReader::Sink sink) {
  FtraceReader r(opt, std::move(sink));
  std::vector<char> buf(64 * 1024);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    r.feed(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw FtraceError("read error");
  return r.finish();
}

FtraceRead read_ftrace_file(const std::string& path, const ReadOptions& opt,
                            FtraceReader::Sink sink) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw FtraceError(fmt::format("{}: cannot read: is a directory", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FtraceError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  try {
    return read_ftrace(in, opt, std::move(sink));
  } catch (const FtraceError& e) {
    throw FtraceError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace rcusim::ftrace

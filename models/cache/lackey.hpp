// A parser for Valgrind Lackey's memory trace (valgrind --tool=lackey --trace-mem=yes), the
// input of `rcusim cachesim`: "I  addr,size" for an instruction fetch and " L", " S", " M" for a
// data load, store and modify, addresses in hex and sizes in decimal. Every other line (Lackey's
// "==pid==" banner, the program's own output) is skipped. Input arrives in large chunks and is
// scanned in place with memchr and hand-written digit loops: no streams, no regex, no copies
// except of a line split across two chunks.
#pragma once
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "models/memory/cost.hpp"

namespace rcusim {

struct LackeyRecord {
  AccessKind kind;
  Addr addr;
  std::uint32_t size;
};

class LackeyError : public std::runtime_error {
 public:
  LackeyError(std::uint64_t line, const std::string& what)
      : std::runtime_error("line " + std::to_string(line) + ": " + what), line_(line) {}
  std::uint64_t line() const { return line_; }

 private:
  std::uint64_t line_;
};

class LackeyParser {
 public:
  // Parses every complete line of `chunk`, calling on_record(const LackeyRecord&) for each record,
  // and keeps a trailing partial line for the next call. Throws LackeyError on a line that starts
  // like a record but is not one.
  template <class F>
  void feed(std::string_view chunk, F&& on_record) {
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    if (!partial_.empty()) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', chunk.size()));
      if (nl == nullptr) {
        partial_.append(p, chunk.size());
        return;
      }
      partial_.append(p, nl);
      parse_line(partial_.data(), partial_.data() + partial_.size(), on_record);
      partial_.clear();
      p = nl + 1;
    }
    while (p < end) {
      const auto* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)));
      if (nl == nullptr) {
        partial_.assign(p, end);
        return;
      }
      parse_line(p, nl, on_record);
      p = nl + 1;
    }
  }

  // End of input: a last line without a newline is parsed too.
  template <class F>
  void finish(F&& on_record) {
    if (!partial_.empty())
      parse_line(partial_.data(), partial_.data() + partial_.size(), on_record);
    partial_.clear();
  }

  std::uint64_t lines() const { return lines_; }
  std::uint64_t records() const { return records_; }

 private:
  template <class F>
  void parse_line(const char* p, const char* e, F&& on_record) {
    ++lines_;
    if (e > p && e[-1] == '\r') --e;
    if (e - p < 4 || p[2] != ' ') return;
    AccessKind kind;
    if (p[0] == 'I' && p[1] == ' ') {
      kind = AccessKind::ifetch;
    } else if (p[0] == ' ' && (p[1] == 'L' || p[1] == 'S' || p[1] == 'M')) {
      kind = p[1] == 'L' ? AccessKind::read : p[1] == 'S' ? AccessKind::write : AccessKind::modify;
    } else {
      return;
    }
    p += 3;
    Addr addr = 0;
    const char* digits = p;
    for (; p < e && *p != ','; ++p) {
      const int d = hex_digit(*p);
      if (d < 0 || p - digits >= 16) throw LackeyError(lines_, "bad address in a Lackey record");
      addr = addr << 4 | static_cast<Addr>(d);
    }
    if (p == digits || p == e) throw LackeyError(lines_, "expected 'addr,size' in a Lackey record");
    std::uint64_t size = 0;
    digits = ++p;
    for (; p < e; ++p) {
      if (*p < '0' || *p > '9') throw LackeyError(lines_, "bad size in a Lackey record");
      size = size * 10 + static_cast<std::uint64_t>(*p - '0');
      // Lackey's widest access is a vector register; this bound also keeps `size` from wrapping.
      if (size > kMaxSize) throw LackeyError(lines_, "size above 65536 in a Lackey record");
    }
    if (p == digits) throw LackeyError(lines_, "missing size in a Lackey record");
    ++records_;
    on_record(LackeyRecord{kind, addr, static_cast<std::uint32_t>(size)});
  }

  static constexpr std::uint64_t kMaxSize = 65536;

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  std::string partial_;
  std::uint64_t lines_ = 0;
  std::uint64_t records_ = 0;
};

}  // namespace rcusim

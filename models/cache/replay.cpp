#include "models/cache/replay.hpp"

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

namespace rcusim {

namespace {
constexpr std::size_t kChunk = std::size_t{1} << 20;  // large reads; lines are ~20 bytes
// Lackey's lines are short; the traced program's own output may be long, but not this long.
constexpr std::size_t kMaxLine = std::size_t{1} << 20;

// Instruction and data references are kept apart by class, as Cachegrind keeps I and D apart.
constexpr MemClass kText = MemClass::reader_code;
constexpr MemClass kData = MemClass::reader_data;

CacheConfig without_l2(CacheConfig cfg) {
  cfg.l2_enabled = false;
  return cfg;
}
}  // namespace

CacheConfig cachegrind_config(const LevelConfig& i1, const LevelConfig& d1, const LevelConfig& ll) {
  CacheConfig cfg;
  // Geometry only: Cachegrind counts, it has no latencies; the defaults stay.
  for (auto [to, from] : {std::pair{&cfg.l1i, &i1}, {&cfg.l1d, &d1}, {&cfg.llc, &ll}}) {
    to->size = from->size;
    to->assoc = from->assoc;
    to->line = from->line;
  }
  cfg.l2_enabled = false;
  return cfg;
}

CachegrindReplay::CachegrindReplay(CacheConfig cfg) : cache_(1, without_l2(cfg)) {}

void CachegrindReplay::feed(std::string_view chunk) {
  parser_.feed(chunk, [this](const LackeyRecord& r) { simulate(r); });
}

void CachegrindReplay::finish() {
  parser_.finish([this](const LackeyRecord& r) { simulate(r); });
}

void CachegrindReplay::simulate(const LackeyRecord& r) {
  cache_.reference(0, r.addr, r.size, r.kind, r.kind == AccessKind::ifetch ? kText : kData);
}

CachegrindCounts CachegrindReplay::counts() const {
  const CacheCounters& k = cache_.cache_counters(0);
  const auto t = static_cast<std::size_t>(kText), d = static_cast<std::size_t>(kData);
  CachegrindCounts c;
  c.i_refs = k.access.by_class[t];
  c.i1_misses = k.level(CacheLevel::l1i).misses[t];
  c.lli_misses = k.level(CacheLevel::llc).misses[t];
  c.d_refs = k.access.by_class[d];
  c.d1_misses = k.level(CacheLevel::l1d).misses[d];
  c.lld_misses = k.level(CacheLevel::llc).misses[d];
  return c;
}

CachegrindCounts replay_stream(std::FILE* in, CachegrindReplay& replay) {
  std::vector<char> buf(kChunk);
  std::size_t line_bytes = 0;  // since the last newline: the parser keeps them until one comes
  std::uint64_t line = 1;
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), in);
    for (const char *p = buf.data(), *end = p + n; p < end;) {
      const auto* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)));
      if (nl == nullptr) {
        line_bytes += std::size_t(end - p);
        break;
      }
      line_bytes = 0;
      ++line;
      p = nl + 1;
    }
    if (line_bytes > kMaxLine)
      throw std::runtime_error(
          fmt::format("line {}: longer than {} MiB without a newline: not a Lackey trace", line,
                      kMaxLine >> 20));
    if (n > 0) replay.feed(std::string_view(buf.data(), n));
    if (n == buf.size()) continue;
    if (std::ferror(in)) throw std::runtime_error(std::strerror(errno));
    break;
  }
  replay.finish();
  return replay.counts();
}

}  // namespace rcusim

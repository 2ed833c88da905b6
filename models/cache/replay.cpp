#include "models/cache/replay.hpp"

#include <utility>

namespace rcusim {

namespace {
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

}  // namespace rcusim

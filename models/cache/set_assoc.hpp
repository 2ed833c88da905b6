// One set-associative cache level: true LRU, write-allocate. Each set is a small array of tags in
// recency order (MRU first), as in Cachegrind's cg_sim.c: a hit moves its tag to the front, a miss
// shifts the set down one way and the LRU tag falls off the end. Sets are a few ways wide, so the
// shift is a handful of word moves and the hit path touches one cache line of the host.
//
// A tag carries a MESI-like state in its two low bits: valid, valid and owned (M/E: a write hit
// needs no directory), or invalidated by a remote write. An invalidated tag keeps its place at the
// LRU end, like an invalid way in hardware: the next fill of that set takes it first, and a
// reference to the same line that finds it is a coherence miss.
#pragma once
#include <cstdint>
#include <vector>

#include "models/cache/config.hpp"

namespace rcusim {

class SetAssocCache {
 public:
  enum class Ref : std::uint8_t { hit, miss, coherence_miss };

  explicit SetAssocCache(const LevelConfig& cfg);  // cfg must pass validate()

  std::uint64_t line_of(Addr a) const { return a >> line_bits_; }

  // References line number `line`: a hit makes it MRU; a miss fills it at MRU, dropping the LRU
  // way, or reusing the way of its own invalidated tag (a coherence miss).
  Ref ref(std::uint64_t line) {
    const std::uint64_t key = line << 2;
    std::uint64_t* set = set_of(line);
    if ((set[0] ^ key) < kInvalidated) return Ref::hit;
    std::uint32_t i = 0;
    while (i < assoc_ && (set[i] ^ key) > kInvalidated) ++i;
    if (i == assoc_) i = assoc_ - 1;  // a plain miss: the LRU way goes
    const std::uint64_t tag = set[i];
    for (std::uint32_t j = i; j > 0; --j) set[j] = set[j - 1];
    if ((tag ^ key) < kInvalidated) {
      set[0] = tag;
      return Ref::hit;
    }
    set[0] = key;
    return tag == (key | kInvalidated) ? Ref::coherence_miss : Ref::miss;
  }

  bool contains(std::uint64_t line) const { return find(line) != nullptr; }
  // A remote write took `line`: the tag stays, invalidated, at the LRU end. True if a valid copy
  // was there.
  bool invalidate(std::uint64_t line);
  // Exclusive ownership (M or E), so a write hit on a line this CPU owns skips the directory.
  // A fill starts not owned.
  bool owned(std::uint64_t line) const {
    const std::uint64_t* tag = find(line);
    return tag != nullptr && (*tag & kOwned) != 0;
  }
  void set_owned(std::uint64_t line, bool owned);

 private:
  static constexpr std::uint64_t kOwned = 1, kInvalidated = 2;
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // matches no line << 2

  std::uint64_t* set_of(std::uint64_t line) { return &ways_[(line & set_mask_) * assoc_]; }
  const std::uint64_t* find(std::uint64_t line) const;  // the valid tag of `line`, or null

  std::vector<std::uint64_t> ways_;  // sets x assoc tags: line << 2 | state, or kEmpty
  std::uint64_t set_mask_;
  std::uint32_t assoc_;
  unsigned line_bits_;
};

}  // namespace rcusim

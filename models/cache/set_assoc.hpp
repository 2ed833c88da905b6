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

#include "models/cache/config.hpp"
#include "models/cache/host_arena.hpp"
#include "sim/host_prefetch.hpp"

namespace rcusim {

class SetAssocCache {
 public:
  enum class Ref : std::uint8_t { hit, miss, coherence_miss };

  // `cfg` must pass validate(). The tags live in `arena`, which must outlive the cache.
  SetAssocCache(const LevelConfig& cfg, HostArena& arena);

  std::uint64_t line_of(Addr a) const { return a >> line_bits_; }

  // References line number `line`: a hit makes it MRU; a miss fills it at MRU, dropping the LRU
  // way, or reusing the way of its own invalidated tag (a coherence miss).
  Ref ref(std::uint64_t line) {
    const std::uint64_t key = line << 2;
    std::uint64_t* set = set_of(line);
    std::uint64_t moving = set[0];
    if ((moving ^ key) < kInvalidated) return Ref::hit;
    if (moving == (key | kInvalidated)) {
      set[0] = key;
      return Ref::coherence_miss;
    }
    // One pass: each way moves down one as the scan passes it, until the line's own tag turns up
    // (it goes to the front) or the LRU tag falls off the end (the line is filled at the front).
    for (std::uint32_t i = 1; i < assoc_; ++i) {
      const std::uint64_t tag = set[i];
      set[i] = moving;
      if ((tag ^ key) <= kInvalidated) {
        const bool valid = (tag ^ key) < kInvalidated;
        set[0] = valid ? tag : key;
        return valid ? Ref::hit : Ref::coherence_miss;
      }
      moving = tag;
    }
    set[0] = key;
    return Ref::miss;
  }
  // After ref(line), the line's tag is the MRU one: whether this CPU owns it, and taking it.
  bool owned_mru(std::uint64_t line) const { return (set_of(line)[0] & kOwned) != 0; }
  void own_mru(std::uint64_t line) { set_of(line)[0] |= kOwned; }

  std::uint64_t first_byte(std::uint64_t line) const { return line << line_bits_; }
  std::uint64_t last_byte(std::uint64_t line) const { return first_byte(line + 1) - 1; }

  // Asks the host to bring `line`'s set into its caches ahead of a lookup: the model's tag arrays
  // are bigger than the host's caches, so lookups that will come anyway are started together.
  void prefetch(std::uint64_t line) const {
    const std::uint64_t* set = set_of(line);
    for (std::uint32_t i = 0; i < assoc_; i += kTagsPerHostLine) host_prefetch(set + i);
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
  // Returns whether a valid copy of `line` is here (only then does ownership change).
  bool set_owned(std::uint64_t line, bool owned);

 private:
  static constexpr std::uint64_t kOwned = 1, kInvalidated = 2;
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // matches no line << 2
  static constexpr std::uint32_t kTagsPerHostLine = 64 / sizeof(std::uint64_t);


  std::uint64_t* set_of(std::uint64_t line) { return &ways_[(line & set_mask_) * assoc_]; }
  const std::uint64_t* set_of(std::uint64_t line) const {
    return &ways_[(line & set_mask_) * assoc_];
  }
  const std::uint64_t* find(std::uint64_t line) const;  // the valid tag of `line`, or null

  std::uint64_t* ways_;  // sets x assoc tags, line << 2 | state, or kEmpty; sets start on a
                         // host cache line, so an 8-way set is one host line, not two
  std::uint64_t set_mask_;
  std::uint32_t assoc_;
  unsigned line_bits_;
};

}  // namespace rcusim

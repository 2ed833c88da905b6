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
#ifdef __AVX2__
#include <immintrin.h>
#endif

#include "models/cache/config.hpp"
#include "models/cache/host_arena.hpp"
#include "sim/base/host_prefetch.hpp"

namespace rcusim {

class SetAssocCache {
 public:
  enum class Ref : std::uint8_t { hit, miss, coherence_miss };

  // `cfg` must pass validate(). The tags live in `arena`, which must outlive the cache.
  SetAssocCache(const LevelConfig& cfg, HostArena& arena);

  std::uint64_t line_of(Addr a) const { return a >> line_bits_; }

  // References line number `line`: a hit makes it MRU; a miss fills it at MRU, dropping the LRU
  // way, or reusing the way of its own invalidated tag (a coherence miss).
  Ref ref(std::uint64_t line) { return ref(set_of(line), line); }
  // The same, in `set`, which is set_of(line): a caller that prefetched the set passes it on.
  Ref ref(std::uint64_t* set, std::uint64_t line) {
    if ((set[0] ^ line << 2) < kInvalidated) return Ref::hit;  // MRU: most code fetches
    return ref_below_mru(set, line << 2);
  }
  // Whether ref(line) would hit at the MRU way, changing nothing.
  bool at_mru(std::uint64_t line) const { return (set_of(line)[0] ^ line << 2) < kInvalidated; }
  // After ref(line), the line's tag is the MRU one: whether this CPU owns it, and taking it.
  bool owned_mru(std::uint64_t line) const { return (set_of(line)[0] & kOwned) != 0; }
  void own_mru(std::uint64_t line) { set_of(line)[0] |= kOwned; }

  std::uint64_t first_byte(std::uint64_t line) const { return line << line_bits_; }
  std::uint64_t last_byte(std::uint64_t line) const { return first_byte(line + 1) - 1; }

  // Asks the host to bring `line`'s set into its caches ahead of a lookup: the model's tag arrays
  // are bigger than the host's caches, so lookups that will come anyway are started together.
  // A set of up to 16 ways spans at most two host lines: its first and its last word's.
  void prefetch(std::uint64_t line) const { prefetch(set_of(line)); }
  void prefetch(const std::uint64_t* set) const {
    host_prefetch(set);
    if (assoc_ > kTagsPerHostLine) host_prefetch(set + assoc_ - 1);
  }
  // The ways of `line`'s set, for ref(set, line) and prefetch(set).
  std::uint64_t* set_of(std::uint64_t line) { return &ways_[(line & set_mask_) * assoc_]; }

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
  // Masks for position(): a tag is `line << 2` plus state bits; kValid ignores only the owned
  // bit (an invalidated tag does not match), kAnyState both.
  static constexpr std::uint64_t kValid = ~kOwned, kAnyState = ~(kOwned | kInvalidated);
  // position() reads whole groups of ways, past the end of the last set by at most this many.
  static constexpr std::uint32_t kGroup = 8;

  // The first way i of `set` with (set[i] & mask) == key, or assoc_. A set holds a line at most
  // once, and ways read past the set's end belong to other sets or caches: any match there comes
  // after the set's own, and clamps to assoc_.
  std::uint32_t position(const std::uint64_t* set, std::uint64_t key, std::uint64_t mask) const {
#ifdef __AVX2__
    const __m256i k = _mm256_set1_epi64x(static_cast<long long>(key));
    const __m256i m = _mm256_set1_epi64x(static_cast<long long>(mask));
    for (std::uint32_t i = 0; i < assoc_; i += kGroup) {
      const auto match = [&](std::uint32_t at) {
        const __m256i t = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(set + at));
        return static_cast<unsigned>(
            _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(t, m), k))));
      };
      if (const unsigned bits = match(i) | match(i + 4) << 4; bits != 0) {
        const std::uint32_t at = i + static_cast<std::uint32_t>(__builtin_ctz(bits));
        return at < assoc_ ? at : assoc_;
      }
    }
    return assoc_;
#else
    for (std::uint32_t i = 0; i < assoc_; ++i)
      if ((set[i] & mask) == key) return i;
    return assoc_;
#endif
  }
  // set[1..n] = set[0..n-1]: ways move one step toward the LRU end (a memmove, in 4-way steps
  // from the top; the lowest step is loaded first, before anything above it is overwritten).
  static void toward_lru(std::uint64_t* set, std::uint32_t n) {
#ifdef __AVX2__
    if (n >= 4) {
      const __m256i low = load4(set);
      for (; n >= 4; n -= 4) store4(set + n - 3, load4(set + n - 4));
      store4(set + 1, low);
      return;
    }
#endif
    for (; n > 0; --n) set[n] = set[n - 1];
  }
  // set[0..n-1] = set[1..n]: ways move one step toward the MRU end.
  static void toward_mru(std::uint64_t* set, std::uint32_t n) {
#ifdef __AVX2__
    if (n >= 4) {
      const __m256i high = load4(set + n - 3);
      for (std::uint32_t i = 0; i + 4 <= n; i += 4) store4(set + i, load4(set + i + 1));
      store4(set + n - 4, high);
      return;
    }
#endif
    for (std::uint32_t i = 0; i < n; ++i) set[i] = set[i + 1];
  }
#ifdef __AVX2__
  static __m256i load4(const std::uint64_t* p) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  }
  static void store4(std::uint64_t* p, __m256i v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
  }
#endif

  const std::uint64_t* set_of(std::uint64_t line) const {
    return &ways_[(line & set_mask_) * assoc_];
  }
  const std::uint64_t* find(std::uint64_t line) const;  // the valid tag of `line`, or null
  Ref ref_below_mru(std::uint64_t* set, std::uint64_t key);

  std::uint64_t* ways_;  // sets x assoc tags, line << 2 | state, or kEmpty; sets start on a
                         // host cache line, so an 8-way set is one host line, not two
  std::uint64_t set_mask_;
  std::uint32_t assoc_;
  unsigned line_bits_;
};

}  // namespace rcusim

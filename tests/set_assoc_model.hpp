// A set-associative level checked against a plain model of what it must do: each set a list of
// tags in recency order (MRU first), exactly as documented in models/cache/set_assoc.hpp. Random
// references, invalidations and ownership changes over a few lines per set must give the same
// answers and leave the same lines cached. Shared by the main tests and a build without AVX2, so
// both versions of the set lookups are checked.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/cache/host_arena.hpp"
#include "models/cache/set_assoc.hpp"
#include "sim/base/rng.hpp"

namespace rcusim::testing {

class ModelSet {
 public:
  struct Way {
    std::uint64_t line;
    bool owned, invalidated;
  };
  // Every way starts empty (a line no reference uses), as in the cache: an invalidated tag goes
  // to the LRU end even when empty ways are left above it.
  explicit ModelSet(std::uint32_t assoc)
      : assoc_(assoc), ways_(assoc, Way{kNoLine, false, false}) {}

  SetAssocCache::Ref ref(std::uint64_t line) {
    auto it = find_any(line);
    if (it == ways_.end()) {
      ways_.insert(ways_.begin(), {line, false, false});
      if (ways_.size() > assoc_) ways_.pop_back();
      return SetAssocCache::Ref::miss;
    }
    Way w = *it;
    ways_.erase(it);
    const bool valid = !w.invalidated;
    if (!valid) w = {line, false, false};
    ways_.insert(ways_.begin(), w);
    return valid ? SetAssocCache::Ref::hit : SetAssocCache::Ref::coherence_miss;
  }
  bool invalidate(std::uint64_t line) {
    auto it = find_valid(line);
    if (it == ways_.end()) return false;
    ways_.erase(it);
    ways_.push_back({line, false, true});
    return true;
  }
  bool set_owned(std::uint64_t line, bool owned) {
    auto it = find_valid(line);
    if (it == ways_.end()) return false;
    it->owned = owned;
    return true;
  }
  bool contains(std::uint64_t line) { return find_valid(line) != ways_.end(); }
  bool owned(std::uint64_t line) {
    auto it = find_valid(line);
    return it != ways_.end() && it->owned;
  }
  bool mru_owned() const { return ways_.front().owned; }
  void own_mru() { ways_.front().owned = true; }

 private:
  std::vector<Way>::iterator find_any(std::uint64_t line) {
    return std::find_if(ways_.begin(), ways_.end(), [&](const Way& w) { return w.line == line; });
  }
  std::vector<Way>::iterator find_valid(std::uint64_t line) {
    return std::find_if(ways_.begin(), ways_.end(),
                        [&](const Way& w) { return w.line == line && !w.invalidated; });
  }
  static constexpr std::uint64_t kNoLine = ~std::uint64_t{0} >> 2;
  std::uint32_t assoc_;
  std::vector<Way> ways_;
};

// `ops` random operations on a cache of `sets` x `assoc` and on the model; returns how many
// answers differed (every one is also reported by doctest).
inline int differential_run(std::uint32_t sets, std::uint32_t assoc, std::uint64_t seed, int ops) {
  HostArena arena;
  // Two caches side by side in one arena: lookups that read past the first one's last set see
  // the second's tags, which must not count.
  SetAssocCache cache(LevelConfig{std::uint64_t{sets} * assoc * 64, assoc, 64, Cycles{4}}, arena);
  SetAssocCache neighbour(LevelConfig{std::uint64_t{sets} * assoc * 64, assoc, 64, Cycles{4}},
                          arena);
  std::vector<ModelSet> model(sets, ModelSet(assoc));
  Rng rng(seed, 7);
  const std::uint64_t lines = std::uint64_t{sets} * (assoc + 3);  // a few more than fit
  int wrong = 0;
  const auto check = [&](bool same) {
    CHECK(same);
    wrong += !same;
  };
  for (int i = 0; i < ops; ++i) {
    const std::uint64_t line = rng.below(lines);
    ModelSet& m = model[line % sets];
    const std::uint64_t op = rng.below(16);
    if (op < 9) {
      check(cache.ref(line) == m.ref(line));
      neighbour.ref(line);
      if (rng.below(2) == 0) {
        check(cache.owned_mru(line) == m.mru_owned());
        cache.own_mru(line);
        m.own_mru();
      }
    } else if (op < 12) {
      check(cache.invalidate(line) == m.invalidate(line));
    } else if (op < 14) {
      const bool owned = rng.below(2) == 0;
      check(cache.set_owned(line, owned) == m.set_owned(line, owned));
    } else {
      check(cache.contains(line) == m.contains(line));
      check(cache.owned(line) == m.owned(line));
    }
  }
  for (std::uint64_t line = 0; line < lines; ++line)
    check(cache.contains(line) == model[line % sets].contains(line));
  return wrong;
}

inline void differential_all_shapes() {
  for (const std::uint32_t assoc : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 12u, 16u, 20u, 32u})
    for (const std::uint32_t sets : {1u, 4u}) {
      CAPTURE(assoc);
      CAPTURE(sets);
      CHECK(differential_run(sets, assoc, assoc * 100 + sets, 20000) == 0);
    }
}

}  // namespace rcusim::testing

// Cachegrind's view of a Lackey trace (I refs, I1 and LLi misses, D refs, D1 and LLd misses),
// replayed through CacheHierarchy on one CPU with the L2 off: the I1/D1/LL model Cachegrind
// simulates. Each record is one reference in Cachegrind's sense (a modify counts once; a record
// straddling two lines misses a level if either line does), so the counts are comparable with
// `valgrind --tool=cachegrind --cache-sim=yes` on the same program.
#pragma once
#include <array>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <utility>

#include "models/cache/hierarchy.hpp"
#include "models/cache/lackey.hpp"

namespace rcusim {

struct CachegrindCounts {
  std::uint64_t i_refs = 0, i1_misses = 0, lli_misses = 0;
  std::uint64_t d_refs = 0, d1_misses = 0, lld_misses = 0;
  // The six totals under Cachegrind's event names, in its order (cachesim --json's keys).
  std::array<std::pair<std::string_view, std::uint64_t>, 6> fields() const {
    return {{{"I_refs", i_refs},
             {"I1_misses", i1_misses},
             {"LLi_misses", lli_misses},
             {"D_refs", d_refs},
             {"D1_misses", d1_misses},
             {"LLd_misses", lld_misses}}};
  }
};

// The geometry (size, assoc, line) of I1, D1 and a unified LL, everything else at its default,
// and the L2 off.
CacheConfig cachegrind_config(const LevelConfig& i1, const LevelConfig& d1, const LevelConfig& ll);

class CachegrindReplay;
// Reads `in` to its end in large chunks through `replay` and returns its counts. Throws
// std::runtime_error on a read error or a line over 1 MiB (not a Lackey trace), and
// LackeyError on a malformed record.
CachegrindCounts replay_stream(std::FILE* in, CachegrindReplay& replay);

class CachegrindReplay {
 public:
  // Throws std::invalid_argument if the geometry does not validate; cfg.l2_enabled is forced off.
  explicit CachegrindReplay(CacheConfig cfg);
  // Parses and simulates the complete lines of `chunk` (see LackeyParser::feed).
  void feed(std::string_view chunk);
  void finish();
  CachegrindCounts counts() const;
  std::uint64_t lines() const { return parser_.lines(); }

 private:
  void simulate(const LackeyRecord& r);

  CacheHierarchy cache_;
  LackeyParser parser_;
};

}  // namespace rcusim

#include "models/cache/set_assoc.hpp"

#include <algorithm>
#include <bit>

namespace rcusim {

SetAssocCache::SetAssocCache(const LevelConfig& cfg, HostArena& arena)
    : ways_(static_cast<std::uint64_t*>(
          arena.allocate((cfg.size / cfg.line + kGroup) * sizeof(std::uint64_t)))),
      set_mask_(cfg.size / (std::uint64_t{cfg.assoc} * cfg.line) - 1),
      assoc_(cfg.assoc),
      line_bits_(static_cast<unsigned>(std::countr_zero(cfg.line))) {
  std::fill_n(ways_, cfg.size / cfg.line, kEmpty);
}

// The line's tag in any state, or else the LRU way, is taken out; the ways above it move down one
// and the line goes to the front.
SetAssocCache::Ref SetAssocCache::ref_below_mru(std::uint64_t* set, std::uint64_t key) {
  const std::uint32_t i = position(set, key, kAnyState);
  if (i == assoc_) {
    toward_lru(set, assoc_ - 1);
    set[0] = key;
    return Ref::miss;
  }
  const bool valid = (set[i] ^ key) < kInvalidated;
  const std::uint64_t tag = valid ? set[i] : key;
  toward_lru(set, i);
  set[0] = tag;
  return valid ? Ref::hit : Ref::coherence_miss;
}

const std::uint64_t* SetAssocCache::find(std::uint64_t line) const {
  const std::uint64_t* set = set_of(line);
  const std::uint32_t i = position(set, line << 2, kValid);
  return i < assoc_ ? &set[i] : nullptr;
}

bool SetAssocCache::invalidate(std::uint64_t line) {
  std::uint64_t* set = set_of(line);
  const std::uint32_t i = position(set, line << 2, kValid);
  if (i == assoc_) return false;
  toward_mru(set + i, assoc_ - 1 - i);
  set[assoc_ - 1] = line << 2 | kInvalidated;
  return true;
}

bool SetAssocCache::set_owned(std::uint64_t line, bool owned) {
  auto* tag = const_cast<std::uint64_t*>(find(line));
  if (tag == nullptr) return false;
  *tag = (*tag & ~kOwned) | (owned ? kOwned : 0);
  return true;
}

}  // namespace rcusim

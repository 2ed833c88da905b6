#include "models/cache/set_assoc.hpp"

#include <algorithm>
#include <bit>

namespace rcusim {

SetAssocCache::SetAssocCache(const LevelConfig& cfg, HostArena& arena)
    : ways_(static_cast<std::uint64_t*>(
          arena.allocate(cfg.size / cfg.line * sizeof(std::uint64_t)))),
      set_mask_(cfg.size / (std::uint64_t{cfg.assoc} * cfg.line) - 1),
      assoc_(cfg.assoc),
      line_bits_(static_cast<unsigned>(std::countr_zero(cfg.line))) {
  std::fill_n(ways_, cfg.size / cfg.line, kEmpty);
}

const std::uint64_t* SetAssocCache::find(std::uint64_t line) const {
  const std::uint64_t key = line << 2;
  const std::uint64_t* set = &ways_[(line & set_mask_) * assoc_];
  for (std::uint32_t i = 0; i < assoc_; ++i)
    if ((set[i] ^ key) < kInvalidated) return &set[i];
  return nullptr;
}

bool SetAssocCache::invalidate(std::uint64_t line) {
  const std::uint64_t key = line << 2;
  std::uint64_t* set = set_of(line);
  for (std::uint32_t i = 0; i < assoc_; ++i) {
    if ((set[i] ^ key) >= kInvalidated) continue;
    for (std::uint32_t j = i; j + 1 < assoc_; ++j) set[j] = set[j + 1];
    set[assoc_ - 1] = key | kInvalidated;
    return true;
  }
  return false;
}

bool SetAssocCache::set_owned(std::uint64_t line, bool owned) {
  auto* tag = const_cast<std::uint64_t*>(find(line));
  if (tag == nullptr) return false;
  *tag = (*tag & ~kOwned) | (owned ? kOwned : 0);
  return true;
}

}  // namespace rcusim

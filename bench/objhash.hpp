// The object hash of slab_bulk_test03 (github.com/netoptimizer/prototype-kernel,
// kernel/mm/slab_bulk_test03.c), which orders the array that module frees: 16 hlist buckets
// keyed by jhash(&obj->page, 8, 13), the object's struct page. objhash_extract() takes a bucket's
// first object, from the bucket of a given object's page or, for `no_match`, from the next one
// on, so that neighbours in the freed array come from different pages. The lists are kept on the
// host; every access the module makes to them and to the objects goes to `touch`, so the cache
// model sees them (they are not part of what the bench measures).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "models/memory/cost.hpp"
#include "sim/base/units.hpp"

namespace bench {

using rcusim::AccessKind;
using rcusim::Addr;

// jhash(key, 8, initval) of include/linux/jhash.h: the 8 bytes as a (low word) and b (high).
inline std::uint32_t jhash8(std::uint64_t key, std::uint32_t initval) {
  auto rol = [](std::uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  std::uint32_t a = 0xdeadbeefu + 8 + initval, b = a, c = a;
  a += static_cast<std::uint32_t>(key);
  b += static_cast<std::uint32_t>(key >> 32);
  // __jhash_final(a, b, c)
  c ^= b;
  c -= rol(b, 14);
  a ^= c;
  a -= rol(c, 11);
  b ^= a;
  b -= rol(a, 25);
  c ^= b;
  c -= rol(b, 16);
  a ^= c;
  a -= rol(c, 4);
  b ^= a;
  b -= rol(a, 14);
  c ^= b;
  c -= rol(b, 24);
  return c;
}

class ObjHash {
 public:
  static constexpr std::uint32_t kSize = 16;  // HASHSZ
  using Touch = std::function<void(Addr, std::uint32_t, AccessKind)>;
  using PageOf = std::function<Addr(Addr)>;  // virt_to_head_page()
  // `heads`: where the module's objhash[] array lies.
  ObjHash(Addr heads, PageOf page_of, Touch touch)
      : heads_(heads), page_of_(std::move(page_of)), touch_(std::move(touch)) {}

  void add(Addr obj) {  // objhash_add_one(): INIT_HLIST_NODE, obj->page, hlist_add_head()
    touch_(obj, 24, AccessKind::write);
    const std::uint32_t i = bucket(obj);
    touch_(heads_ + 8 * i, 8, AccessKind::modify);
    if (!lists_[i].empty()) touch_(lists_[i].back() + 8, 8, AccessKind::write);  // first->pprev
    lists_[i].push_back(obj);  // the back is the list's first entry
  }

  Addr extract(Addr last, bool no_match) {  // objhash_extract(); 0 when empty
    std::uint32_t i = last ? bucket(last) : 0;
    if (no_match) i = (i + 1) % kSize;
    for (std::uint32_t tried = 0; tried < kSize; ++tried, i = (i + 1) % kSize) {
      touch_(heads_ + 8 * i, 8, AccessKind::read);
      if (lists_[i].empty()) continue;
      const Addr obj = lists_[i].back();
      lists_[i].pop_back();
      touch_(obj, 16, AccessKind::read);  // hlist_del(): next and pprev
      touch_(heads_ + 8 * i, 8, AccessKind::write);
      if (!lists_[i].empty()) touch_(lists_[i].back() + 8, 8, AccessKind::write);
      return obj;
    }
    return 0;
  }

 private:
  std::uint32_t bucket(Addr obj) {  // jhash(&obj->page, 8, 13) % HASHSZ, obj->page read
    touch_(obj + 16, 8, AccessKind::read);
    return jhash8(page_of_(obj), 13) % kSize;
  }
  Addr heads_;
  PageOf page_of_;
  Touch touch_;
  std::array<std::vector<Addr>, kSize> lists_;
};

}  // namespace bench

// The directory's state of every line, a Holders word. Lines come in pages of 512 consecutive
// lines, each allocated when one of its lines is first filled and kept from then on, and found
// through a small hash index of page numbers. A lookup is a direct index, with no probing among
// lines and no rebuild of a crowded table; the cost is 8 bytes per line of every page of
// simulated memory the CPUs touched (an eighth of it), the same order as the heap's own shadow.
#pragma once
#include <array>
#include <cstdint>
#include <new>
#include <type_traits>
#include <vector>

#include "models/cache/host_arena.hpp"
#include "sim/base/host_prefetch.hpp"

namespace rcusim {

class LineTable {
 public:
  explicit LineTable(HostArena& arena) : arena_(arena) {}

  // The word of `line`, zero (no holders, clean) until first written.
  std::uint64_t& operator[](std::uint64_t line) {
    const std::uint64_t number = line >> kPageBits;
    Recent& r = recent_[number & kRecentMask];
    if (number != r.number) [[unlikely]]
      r = {number, page(number)};
    return (*r.page)[line & kPageMask];
  }

  // The word of `line` if its page exists, without creating it. The page is remembered: a line's
  // state is asked for ahead of its fill or write.
  const std::uint64_t* peek(std::uint64_t line) {
    const std::uint64_t number = line >> kPageBits;
    Recent& r = recent_[number & kRecentMask];
    if (number != r.number) [[unlikely]] {
      Page* p = slot(number).page;
      if (p == nullptr) return nullptr;
      r = {number, p};
    }
    return &(*r.page)[line & kPageMask];
  }
  // Asks the host to bring `line`'s state into its caches ahead of a lookup (if it has any yet).
  void prefetch(std::uint64_t line) {
    if (const std::uint64_t* w = peek(line)) host_prefetch(w);
  }

  std::size_t bytes() const { return pages_ * sizeof(Page); }

 private:
  static constexpr unsigned kPageBits = 9;
  static constexpr std::uint64_t kPageMask = (std::uint64_t{1} << kPageBits) - 1;
  static constexpr std::uint64_t kNone = ~std::uint64_t{0};  // never a page number: 58-bit lines
  using Page = std::array<std::uint64_t, std::size_t{1} << kPageBits>;
  static_assert(std::is_trivially_destructible_v<Page>);  // the arena frees without destructors

  // The page index: open addressing on page numbers, linear probing, grown at half full.
  struct Slot {
    std::uint64_t number = kNone;
    Page* page = nullptr;
  };
  // The slot holding `number`, or the empty one it would take.
  Slot& slot(std::uint64_t number) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>((number * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
    while (slots_[i].number != number && slots_[i].number != kNone) i = (i + 1) & mask;
    return slots_[i];
  }
  [[gnu::noinline]] Page* page(std::uint64_t number) {
    if (Slot& s = slot(number); s.page != nullptr) return s.page;
    if (2 * (pages_ + 1) > slots_.size()) {
      std::vector<Slot> old(2 * slots_.size());
      old.swap(slots_);
      for (const Slot& o : old)
        if (o.page != nullptr) slot(o.number) = o;
    }
    ++pages_;
    Slot& s = slot(number);
    s = {number, new (arena_.allocate(sizeof(Page))) Page{}};
    return s.page;
  }

  HostArena& arena_;
  std::vector<Slot> slots_ = std::vector<Slot>(1024);
  std::size_t pages_ = 0;
  // Pages used lately, direct-mapped by page number: a simulated object, its slab's struct page,
  // a table slot and per-CPU data interleave, and each would otherwise cost a hash lookup.
  struct Recent {
    std::uint64_t number = kNone;
    Page* page = nullptr;
  };
  static constexpr std::uint64_t kRecentMask = 15;
  std::array<Recent, kRecentMask + 1> recent_{};
};

}  // namespace rcusim

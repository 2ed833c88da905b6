// The directory's state of every line, a Holders word. Lines come in pages of 512 consecutive lines, each allocated when one of its lines is first
// filled and kept from then on, found through a small hash map from page number. A lookup is a
// direct index, with no probing among lines and no rebuild of a crowded table; the cost is 8
// bytes per line of every page of simulated memory the CPUs touched (an eighth of it), the same
// order as the heap's own shadow.
#pragma once
#include <array>
#include <cstdint>
#include <new>
#include <type_traits>

#include "models/cache/host_arena.hpp"
#include "models/cache/line_map.hpp"

namespace rcusim {

class LineTable {
 public:
  // The word of `line`, zero (no holders, clean) until first written.
  std::uint64_t& operator[](std::uint64_t line) {
    const std::uint64_t number = line >> kPageBits;
    if (number != last_number_) {
      last_ = page(number);
      last_number_ = number;
    }
    return (*last_)[line & kPageMask];
  }

  // Asks the host to bring `line`'s state into its caches ahead of a lookup (if it has any yet).
  void prefetch(std::uint64_t line) {
    const std::uint64_t number = line >> kPageBits;
    Page* const* p = number == last_number_ ? &last_ : index_.find(number);
    if (p == nullptr) return;
    __builtin_prefetch(&(**p)[line & kPageMask]);
  }

  std::size_t bytes() const { return pages_ * sizeof(Page); }

 private:
  static constexpr unsigned kPageBits = 9;
  static constexpr std::uint64_t kPageMask = (std::uint64_t{1} << kPageBits) - 1;
  using Page = std::array<std::uint64_t, std::size_t{1} << kPageBits>;
  static_assert(std::is_trivially_destructible_v<Page>);  // the arena frees without destructors

  Page* page(std::uint64_t number) {
    if (Page** p = index_.find(number)) return *p;
    if (index_.crowded())
      index_.rebuild(2 * index_.capacity(), [](std::uint64_t, Page*&) { return true; });
    ++pages_;
    return index_[number] = new (arena_.allocate(sizeof(Page))) Page{};
  }

  HostArena arena_;
  LineMap<Page*> index_;  // page number -> page
  std::size_t pages_ = 0;
  std::uint64_t last_number_ = ~std::uint64_t{0};  // never a page number: lines have 58 bits
  Page* last_ = nullptr;
};

}  // namespace rcusim

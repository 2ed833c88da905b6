// The directory's word for every line: pages of 512 consecutive lines, each allocated when one of
// its lines is first filled and kept from then on, found through a small hash map from page
// number. A lookup is a direct index, with no probing among lines and no rebuild of a crowded
// table; the cost is one word per line of every page of simulated memory the CPUs touched (an
// eighth of it: 16 MB for a 128 MB heap), the same order as the heap's own shadow.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/cache/line_map.hpp"

namespace rcusim {

class LineTable {
 public:
  // The word of `line`, zero until first written.
  std::uint64_t& operator[](std::uint64_t line) {
    const std::uint64_t page = line >> kPageBits;
    if (page != last_page_) {
      last_ = page_of(page);
      last_page_ = page;
    }
    return last_[line & kPageMask];
  }

  std::size_t bytes() const { return pages_.size() * sizeof(Page); }

 private:
  static constexpr unsigned kPageBits = 9;
  static constexpr std::uint64_t kPageMask = (std::uint64_t{1} << kPageBits) - 1;
  using Page = std::array<std::uint64_t, std::size_t{1} << kPageBits>;

  std::uint64_t* page_of(std::uint64_t page) {
    if (std::uint64_t** p = index_.find(page)) return *p;
    if (index_.crowded())
      index_.rebuild(2 * index_.capacity(), [](std::uint64_t, std::uint64_t*&) { return true; });
    pages_.push_back(std::make_unique<Page>());  // value-initialised: zero words
    return index_[page] = pages_.back()->data();
  }

  LineMap<std::uint64_t*> index_;  // page number -> its words
  std::vector<std::unique_ptr<Page>> pages_;
  std::uint64_t last_page_ = ~std::uint64_t{0};  // never a page number: lines have 58 bits
  std::uint64_t* last_ = nullptr;
};

}  // namespace rcusim

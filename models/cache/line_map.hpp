// A hash map from line number to the directory's per-line state: open addressing, linear probing,
// key and value side by side so a lookup touches one host cache line. There is no erase: the
// directory drops dead entries in bulk when the table fills (rebuild). Lookups and rebuilds are
// all there is; a rebuild walks slots in index order, which depends only on the keys inserted.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

namespace rcusim {

template <class V>
class LineMap {
 public:
  LineMap() : slots_(kMinCapacity), mask_(kMinCapacity - 1) {}

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }
  // Over half full: the next insert should first make room (rebuild).
  bool crowded() const { return 2 * (size_ + 1) > slots_.size(); }

  V* find(std::uint64_t key) {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].val;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }

  // The entry for `key`, default-constructed if new. The caller keeps the table from crowding.
  V& operator[](std::uint64_t key) {
    std::size_t i = home(key);
    for (; slots_[i].key != kEmpty; i = (i + 1) & mask_)
      if (slots_[i].key == key) return slots_[i].val;
    slots_[i].key = key;
    ++size_;
    return slots_[i].val;
  }

  // Moves every entry for which keep(key, value&) is true into a table of `capacity` slots (a
  // power of two, more than twice the survivors).
  template <class Keep>
  void rebuild(std::size_t capacity, Keep&& keep) {
    std::vector<Slot> old(capacity < kMinCapacity ? kMinCapacity : capacity);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (Slot& s : old)
      if (s.key != kEmpty && keep(s.key, s.val)) (*this)[s.key] = std::move(s.val);
  }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // never a line number
  static constexpr std::size_t kMinCapacity = 1024;

  struct Slot {
    std::uint64_t key = kEmpty;
    V val{};
  };

  // Eight consecutive lines share a run of slots (a sequential walk touches one host line per
  // three or four lines); the runs themselves are scattered by a Fibonacci hash.
  std::size_t home(std::uint64_t key) const {
    const std::uint64_t run = ((key >> 3) * 0x9e3779b97f4a7c15ULL) >> 32;
    return static_cast<std::size_t>(run << 3 | (key & 7)) & mask_;
  }

  std::vector<Slot> slots_;
  std::size_t mask_;
  std::size_t size_ = 0;
};

}  // namespace rcusim

#include "models/cache/host_arena.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace rcusim {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHostLine = 64;
std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }
}  // namespace

void HostArena::Free::operator()(void* p) const { std::free(p); }

void* HostArena::allocate(std::size_t bytes) {
  bytes = round_up(bytes == 0 ? 1 : bytes, kHostLine);
  if (bytes > left_) {
    const std::size_t size = round_up(bytes, kHugePage);
    void* chunk = std::aligned_alloc(kHugePage, size);
    if (chunk == nullptr) throw std::bad_alloc();
    // Only a hint: without THP (or with it off) the chunk is ordinary memory.
    madvise(chunk, size, MADV_HUGEPAGE);
    std::memset(chunk, 0, size);
    chunks_.emplace_back(chunk);
    next_ = static_cast<std::byte*>(chunk);
    left_ = size;
  }
  void* p = next_;
  next_ += bytes;
  left_ -= bytes;
  return p;
}

}  // namespace rcusim

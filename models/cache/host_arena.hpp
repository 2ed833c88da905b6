// Host memory for the cache model's big arrays (tag arrays, directory pages), carved from 2 MiB
// chunks the host kernel may back with transparent huge pages. Lookups land at random across
// megabytes of tags and directory entries; on 4 KiB pages most of them also missed the host's
// TLB. Memory is given back only when the arena goes, with the hierarchy that owns it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace rcusim {

class HostArena {
 public:
  HostArena() = default;
  HostArena(const HostArena&) = delete;
  HostArena& operator=(const HostArena&) = delete;

  // `bytes` of zeroed memory aligned to a host cache line, valid as long as the arena.
  void* allocate(std::size_t bytes);

 private:
  struct Free {
    void operator()(void* p) const;
  };
  std::vector<std::unique_ptr<void, Free>> chunks_;
  std::byte* next_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace rcusim

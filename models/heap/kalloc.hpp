// The allocator as the simulated kernel calls it: each call charges its instruction cycles and
// its memory accesses (text, struct page, the free pointer word) to the calling CPU, then acts on
// the heap's real bytes.
#pragma once
#include <cstddef>
#include <cstdint>

#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;

Addr kmalloc(Cpu& cpu, std::uint64_t size);
Addr kmem_cache_alloc(Cpu& cpu, std::uint32_t cache);
void kfree(Cpu& cpu, Addr obj);
void kmem_cache_free(Cpu& cpu, std::uint32_t cache, Addr obj);
// kmem_cache_destroy() (mm/slab_common.c): a cache with objects left is a BUG on this CPU.
void kmem_cache_destroy(Cpu& cpu, std::uint32_t cache);

// kfree_bulk() (include/linux/slab.h, v6.6: kmem_cache_free_bulk(NULL, n, objs)). `array` is
// where the caller's pointer array lies in simulated memory, 0 if nowhere: its reads and the
// swaps build_detached_freelist() makes in it are charged only when it is given.
void kfree_bulk(Cpu& cpu, std::size_t n, const Addr* objs, Addr array = 0);

}  // namespace rcusim

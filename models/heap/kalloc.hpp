// The allocator as the simulated kernel calls it: each call charges its instruction cycles and
// its memory accesses (text, struct page, the free pointer word) to the calling CPU, then acts on
// the heap's real bytes.
#pragma once
#include <cstdint>

#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;

Addr kmalloc(Cpu& cpu, std::uint64_t size);
Addr kmem_cache_alloc(Cpu& cpu, std::uint32_t cache);
void kfree(Cpu& cpu, Addr obj);
void kmem_cache_free(Cpu& cpu, std::uint32_t cache, Addr obj);

}  // namespace rcusim

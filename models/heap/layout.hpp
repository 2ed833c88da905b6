// The simulated kernel address space, x86-64 as in Linux 2.6.27
// (Documentation/x86_64/mm.txt): direct map, vmemmap, kernel text, module area.
#pragma once
#include "sim/base/units.hpp"

namespace rcusim::layout {

inline constexpr Addr kPageOffset = 0xffff880000000000ULL;    // direct map: the slab heap
inline constexpr Addr kVmemmapStart = 0xffffe20000000000ULL;  // struct page array
inline constexpr Addr kStructPageSize = 64;
// Per-CPU data from alloc_percpu() (each kmem_cache's kmem_cache_cpu, one line per cache): one
// unit per CPU, placed at VMALLOC_START, where later kernels' percpu chunks live.
inline constexpr Addr kPerCpuStart = 0xffffc20000000000ULL;
inline constexpr Addr kPerCpuUnit = 1ULL << 20;
inline constexpr Addr kKmemCacheCpuSize = 64;
inline constexpr Addr kKernelText = 0xffffffff80200000ULL;    // _text
inline constexpr Addr kModulesVaddr = 0xffffffffa0000000ULL;  // MODULES_VADDR
inline constexpr Addr kModulesEnd = 0xfffffffffff00000ULL;
inline constexpr Addr kPageSize = 4096;
inline constexpr unsigned kPageShift = 12;

}  // namespace rcusim::layout

// The price of one kmem_cache_free_bulk() call, shared by the costed wrapper (kalloc.cpp) and
// bench_kfree_bulk so that both charge exactly the same: instruction cycles from the steps the
// heap reported, and where each reported touch lies in memory and how it is accessed.
#pragma once
#include <cstdint>
#include <optional>

#include "models/heap/free_bulk.hpp"
#include "models/kernel/config.hpp"
#include "models/memory/cost.hpp"

namespace rcusim {

// Text bytes of kmem_cache_free_bulk(), which has no 2.6.27 build: 911 with
// build_detached_freelist() and do_slab_free() inlined, its size in v6.7 (bloat-o-meter in
// "mm/slub: handle bulk and single object freeing separately", v6.8); __slab_free() not counted.
inline constexpr std::uint32_t kKmemCacheFreeBulkText = 912;

// `large_free`: the cycles of one kmalloc_large free, the single-object kfree() figure.
std::int64_t bulk_free_cycles(const BulkFreeStats& s, const KfreeBulkCosts& c,
                              std::int64_t large_free);

struct PlacedTouch {
  Addr addr;
  std::uint32_t size;
  AccessKind kind;
};
// `t` as CPU `cpu` makes it, the pointer array being at `array`; array touches are dropped when
// `array` is 0 (the caller's array is not in simulated memory). All are MemClass::slab_meta.
std::optional<PlacedTouch> place(const BulkTouch& t, int cpu, Addr array);

}  // namespace rcusim

// What kmem_cache_free_bulk() (mm/slub.c, v6.6) does besides changing the heap: every memory
// access it makes, in program order, and counts of the steps that cost instructions. Heap's bulk
// free reports them; the costed wrapper (kalloc.cpp) and bench_kfree_bulk price the same list.
#pragma once
#include <cstdint>

#include "sim/base/units.hpp"

namespace rcusim {

struct BulkTouch {
  enum class Kind : std::uint8_t {
    array_read,     // p[i] loaded; addr is its byte offset in the caller's array
    array_write,    // p[i] stored by build_detached_freelist()'s swap(); addr as above
    slab_lookup,    // virt_to_folio() / virt_to_slab(): the object's struct page
    fp_write,       // set_freepointer(): the object's first word
    fp_read,        // get_freepointer() in slab_free_freelist_hook()
    cpu_freelist,   // do_slab_free() fast path: this_cpu_cmpxchg of c->freelist and c->tid;
                    // addr is the cache's kmem_cache_cpu offset in a per-CPU unit
    slab_freelist,  // __slab_free(): cmpxchg_double of slab->freelist and counters, which
                    // live in the slab's struct page
    large_free,     // free_large_kmalloc(): the folio's struct page
  };
  Kind kind;
  std::uint32_t size;
  Addr addr;
};

struct BulkFreeStats {
  std::uint32_t objects = 0;   // linked into detached freelists and freed
  std::uint32_t lists = 0;     // detached freelists: do_slab_free() calls
  std::uint32_t slow = 0;      // ... of them on a slab other than the CPU slab: __slab_free()
  std::uint32_t was_full = 0;  // ... of those on a full slab: put_cpu_partial()
  std::uint32_t misses = 0;    // lookahead misses: objects of another slab passed over
  std::uint32_t large = 0;     // kmalloc_large objects: free_large_kmalloc()
  std::uint32_t bugs = 0;      // entries reported as a BUG and not freed
};

}  // namespace rcusim

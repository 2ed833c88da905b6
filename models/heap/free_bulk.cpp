// Heap's kfree_bulk() and kmem_cache_free_bulk(), step for step as kmem_cache_free_bulk(),
// build_detached_freelist(), slab_free_freelist_hook() and do_slab_free() in mm/slub.c (v6.6):
// the array is taken from its end, one detached freelist at a time. A list starts at the last
// entry left and links the entries of that object's slab met before the third entry of another
// slab (`lookahead = 3`); each linked entry is swapped to the end of what is left, so the others
// keep their order for the next list. The list is then walked once more and re-linked, reversed
// (slab_free_freelist_hook()), and spliced onto its slab in one step: onto c->freelist by
// this_cpu_cmpxchg if the slab is the CPU slab, else onto slab->freelist by __slab_free()'s
// cmpxchg_double. kmalloc_large objects are freed one by one (free_large_kmalloc()).
//
// Where the model departs: an entry kfree() would reject (not an object start, already free,
// another cache) is reported as the same BUG and left out, as slub_debug's checks would; a NULL
// entry is skipped (v6.6 expects none; the v4.4 code, d0ecd894e3d5, NULLed taken entries and
// skipped NULLs instead of swapping).
#include <utility>

#include "models/heap/heap.hpp"

namespace rcusim {

using Kind = BulkTouch::Kind;

struct Heap::Detached {  // struct detached_freelist, plus where to report
  const char* fn;
  std::optional<std::uint32_t> cache;  // kmem_cache_free_bulk()'s s; nothing for kfree_bulk()
  BulkFreeStats& stats;
  std::uint32_t slab = 0;
  Addr head = 0, tail = 0;
  std::uint32_t cnt = 0;
};

BulkFreeStats Heap::kfree_bulk(std::span<const Addr> objs, std::vector<BulkTouch>& touches) {
  return free_bulk("kfree_bulk", std::nullopt, objs, touches);
}

BulkFreeStats Heap::kmem_cache_free_bulk(std::uint32_t cache, std::span<const Addr> objs,
                                         std::vector<BulkTouch>& touches) {
  return free_bulk("kmem_cache_free_bulk", cache, objs, touches);
}

BulkFreeStats Heap::free_bulk(const char* fn, std::optional<std::uint32_t> cache,
                              std::span<const Addr> objs, std::vector<BulkTouch>& out) {
  BulkFreeStats st;
  bulk_.assign(objs.begin(), objs.end());
  Detached df{fn, cache, st};
  for (std::size_t size = bulk_.size(); size;) {
    size = build_detached_freelist(df, size, out);
    if (df.cnt) slab_free(df, out);
  }
  return st;
}

std::size_t Heap::build_detached_freelist(Detached& df, std::size_t size,
                                          std::vector<BulkTouch>& out) {
  df.head = df.tail = 0;
  df.cnt = 0;
  const Addr first = bulk_[--size];
  out.push_back({Kind::array_read, 8, size * 8});
  if (!first) return size;
  if (mapped(first, 1)) out.push_back({Kind::slab_lookup, 8, struct_page(first)});
  const auto o = checked(first, df.fn, df.cache);
  if (!o) {
    ++df.stats.bugs;
    return size;
  }
  auto link = [&](const HeapObject& obj) {  // set_freepointer(df->s, object, df->freelist)
    release(obj);
    write_u64(obj.start, df.head);
    out.push_back({Kind::fp_write, 8, obj.start});
    if (!df.tail) df.tail = obj.start;
    df.head = obj.start;
    ++df.cnt;
  };
  if (o->cache == kLarge) {
    out.push_back({Kind::large_free, 8, struct_page(first)});
    release(*o);
    free_large(*o);
    ++df.stats.large;
    return size;
  }
  df.slab = o->slab;
  link(*o);
  std::size_t same = size;
  for (int lookahead = 3; size;) {
    const Addr a = bulk_[--size];
    out.push_back({Kind::array_read, 8, size * 8});
    if (a && mapped(a, 1)) out.push_back({Kind::slab_lookup, 8, struct_page(a)});
    const auto in = a ? locate(a) : std::nullopt;
    if (!in || in->slab != df.slab) {  // virt_to_slab(object) != df->slab
      ++df.stats.misses;
      if (!--lookahead) break;
      continue;
    }
    if (const auto m = checked(a, df.fn, std::nullopt))
      link(*m);
    else
      ++df.stats.bugs;
    if (size != --same) {  // swap(p[size], p[same])
      std::swap(bulk_[size], bulk_[same]);
      out.push_back({Kind::array_read, 8, same * 8});
      out.push_back({Kind::array_write, 8, size * 8});
      out.push_back({Kind::array_write, 8, same * 8});
    }
  }
  return same;
}

void Heap::slab_free(Detached& df, std::vector<BulkTouch>& out) {
  // slab_free_freelist_hook(): each object moves to the front of a new list, reversing it.
  Addr next = df.head, head = 0, tail = 0, obj;
  do {
    obj = next;
    next = read_u64(obj);
    out.push_back({Kind::fp_read, 8, obj});
    write_u64(obj, head);
    out.push_back({Kind::fp_write, 8, obj});
    if (!tail) tail = obj;
    head = obj;
  } while (obj != df.tail);
  // do_slab_free(): the fast path on the CPU slab, else __slab_free().
  Slab& s = slabs_[df.slab];
  KmemCache& c = caches_[s.cache];
  const bool was_full = s.inuse == s.objects;
  if (df.slab == c.cpu_slab) {
    out.push_back({Kind::cpu_freelist, 16, s.cache * layout::kKmemCacheCpuSize});
  } else {
    out.push_back({Kind::slab_freelist, 16, struct_page(s.base)});
    ++df.stats.slow;
    if (was_full) ++df.stats.was_full;
  }
  write_u64(tail, s.freelist);  // set_freepointer(s, tail, prior)
  out.push_back({Kind::fp_write, 8, tail});
  s.freelist = head;
  s.inuse -= df.cnt;
  c.live -= df.cnt;
  if (was_full) c.partial.push_back(df.slab);
  ++df.stats.lists;
  df.stats.objects += df.cnt;
}

}  // namespace rcusim

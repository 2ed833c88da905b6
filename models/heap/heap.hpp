// A SLUB-like slab heap over real bytes in the simulated direct map.
//
// Objects live in slabs of contiguous pages; a free object's first word holds the free pointer
// to the next free object of its slab, exactly where SLUB keeps it (s->offset == 0). Freed
// objects are poisoned (POISON_FREE 0x6b ... POISON_END 0xa5) after the free pointer, so a
// reader that dereferences freed memory reads poison from the bytes themselves. kfree() of
// anything but the start of a live object is reported as a BUG, as slub_debug would.
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/heap/free_bulk.hpp"
#include "models/heap/layout.hpp"
#include "sim/base/host_prefetch.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

inline constexpr std::uint8_t kPoisonFree = 0x6b;
inline constexpr std::uint8_t kPoisonEnd = 0xa5;

// Simulator bookkeeping kept beside each object slot, like SLUB debug's struct track: it never
// decides what the kernel does, it only lets results say when an object was queued. One word
// per slot, all slots in one array: a lookup costs the host a single cache line.
struct ObjShadow {
  static constexpr std::int64_t kNotQueued = -1;
  static constexpr std::int64_t kFree = std::numeric_limits<std::int64_t>::min();
  // cycles; kNotQueued while allocated and not waiting for a grace period, kFree for a free slot
  std::int64_t queued_at = kFree;
  bool live() const { return queued_at != kFree; }
};

struct KmemCache {
  static constexpr std::uint32_t kNoSlab = 0xffffffffu;
  std::string name;
  std::uint32_t size = 0;              // object size (stride)
  std::uint32_t order = 0;             // slab size = 4 KiB << order
  std::uint32_t objects = 0;           // per slab
  std::vector<std::uint32_t> partial;  // slabs with free objects
  std::uint64_t live = 0;
  // The slab the last allocation came from: SLUB's c->slab, for the one CPU slab this heap
  // keeps per cache (the heap is shared, not per CPU). Bulk free takes its fast path there.
  std::uint32_t cpu_slab = kNoSlab;
  bool destroyed = false;  // kmem_cache_destroy() succeeded
};

struct HeapObject {
  Addr start = 0;
  std::uint32_t size = 0;
  std::uint32_t cache = 0;
  std::uint32_t slab = 0;
  std::uint32_t index = 0;
  bool live = false;
  std::uint32_t slot = 0;  // its ObjShadow
};

class Heap {
 public:
  static constexpr std::uint32_t kLarge = 0xffffffffu;  // "cache" of kmalloc_large objects
  // Called with (kind, message) for every BUG the heap detects.
  using BugSink = std::function<void(const std::string& kind, const std::string& message)>;

  Heap(Bytes size, bool poison);
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  void set_bug_sink(BugSink s) { bug_ = std::move(s); }
  // With no sink, BUGs wait here until the caller that knows the CPU (the costed allocator of
  // models/heap/kalloc.cpp) takes them and reports them as the run's failures.
  bool has_bugs() const { return !bugs_.empty(); }
  std::vector<std::string> take_bugs() { return std::exchange(bugs_, {}); }
  std::uint32_t kmem_cache_create(const std::string& name, std::uint32_t size);
  // kmem_cache_destroy(): false, with a BUG report, while the cache still has objects (the cache
  // then stays, as the kernel leaves it).
  bool kmem_cache_destroy(std::uint32_t cache);
  std::optional<std::uint32_t> find_cache(std::string_view name) const;  // newest not destroyed
  const KmemCache& cache(std::uint32_t id) const { return caches_[id]; }
  std::string_view cache_name(std::uint32_t id) const;  // "kmalloc_large" for kLarge
  // The kmalloc-N cache that serves `size`, or kLarge beyond kmalloc-8192.
  std::uint32_t kmalloc_cache(std::uint64_t size) const;

  Addr kmalloc(std::uint64_t size);  // 0 when the heap is exhausted
  Addr kmem_cache_alloc(std::uint32_t cache);
  bool kfree(Addr a);  // false (and a BUG report) on an invalid or double free
  bool kmem_cache_free(std::uint32_t cache, Addr a);
  // kfree_bulk() and kmem_cache_free_bulk() (mm/slub.c, v6.6): frees `objs` through detached
  // freelists as the kernel does, appending every access it makes to `touches` (free_bulk.cpp).
  BulkFreeStats kfree_bulk(std::span<const Addr> objs, std::vector<BulkTouch>& touches);
  BulkFreeStats kmem_cache_free_bulk(std::uint32_t cache, std::span<const Addr> objs,
                                     std::vector<BulkTouch>& touches);
  // The freelist head of the slab holding `a` (0: no free object), or nothing outside slabs.
  std::optional<Addr> slab_freelist(Addr a) const;
  // __get_free_page() / free_page(): one page outside any slab, counted in pages_used(); 0 when
  // the heap is exhausted.
  Addr alloc_page() { return alloc_pages(0); }
  void free_page(Addr a) { free_pages(a, 0); }

  // The accessors below run several times per simulated object: inline, checks out of line.
  // Host-side hints, no effect on results (none if `a` is not mapped). prefetch(): the bytes at
  // `a` will be read soon, and find() on them. find() then needs the page's PageInfo and, from
  // it, the object's shadow word, and a free its slab: dependent loads, so prefetch_meta() asks
  // for those later, once the PageInfo line has had time to arrive.
  void prefetch(Addr a) const {
    if (!mapped(a, 1)) return;
    host_prefetch(ptr(a));
    host_prefetch(&pages_[(a - layout::kPageOffset) >> layout::kPageShift]);
  }
  void prefetch_meta(Addr a) const {
    if (const auto o = locate(a)) {
      host_prefetch(&shadow_[o->slot]);
      host_prefetch(&slabs_[o->slab]);
    }
  }
  std::uint64_t read_u64(Addr a) const {
    if (!mapped(a, 8)) unmapped("read", a);
    std::uint64_t v;
    std::memcpy(&v, ptr(a), 8);
    return v;
  }
  void write_u64(Addr a, std::uint64_t v) {
    if (!mapped(a, 8)) unmapped("write", a);
    std::memcpy(ptr(a), &v, 8);
  }
  bool mapped(Addr a, std::uint64_t len) const {
    // Below kPageOffset, a - kPageOffset wraps to more than any heap (user space is 2^47).
    return len <= size_ && a - layout::kPageOffset <= size_ - len;
  }
  std::optional<HeapObject> find(Addr a) const;  // the object slot containing a
  bool poison_intact(const HeapObject& o) const;
  ObjShadow& shadow(const HeapObject& o) { return shadow_[o.slot]; }
  // vmemmap address of the page holding a
  Addr struct_page(Addr a) const {
    return layout::kVmemmapStart +
           ((a - layout::kPageOffset) >> layout::kPageShift) * layout::kStructPageSize;
  }

  std::uint64_t objects_live() const { return objects_live_; }
  std::uint64_t bytes_live() const { return bytes_live_; }
  std::uint64_t pages_used() const { return pages_used_; }
  std::uint64_t peak_pages_used() const { return peak_pages_; }

 private:
  struct Slab {
    Addr base = 0;
    std::uint32_t cache = 0;
    std::uint32_t objects = 0;
    std::uint32_t size = 0;
    std::uint32_t inuse = 0;
    std::uint32_t order = 0;
    std::uint32_t slot = 0;      // shadow_ index of its first object
    std::uint32_t capacity = 0;  // shadow_ entries reserved there (kept when the id is reused)
    Addr freelist = 0;
  };
  // Per page of the direct map, what find() needs without touching the slab (the simulator's
  // struct page). The array follows the heap in its reservation: pages never used cost nothing.
  struct PageInfo {
    std::uint32_t slab;    // slab id + 1; 0 when no slab owns the page
    std::uint32_t cache;   // kmalloc_large slabs: kLarge
    std::uint32_t offset;  // of the page from its slab's base, in bytes
    std::uint32_t slot;    // shadow_ index of the slab's first object
  };
  std::optional<HeapObject> locate(Addr a) const;  // find() without reading the shadow word
  std::uint8_t* ptr(Addr a) { return base_ + (a - layout::kPageOffset); }
  const std::uint8_t* ptr(Addr a) const { return base_ + (a - layout::kPageOffset); }
  Addr alloc_pages(std::uint32_t order);
  void free_pages(Addr a, std::uint32_t order);
  std::uint32_t new_slab(std::uint32_t cache, std::uint32_t size, std::uint32_t order,
                         std::uint32_t objects);
  Addr alloc_from(std::uint32_t cache);
  bool free_object(Addr a, const char* fn, std::optional<std::uint32_t> expect_cache);
  // The live object starting at `a` (of `expect_cache`, if given), or nothing after a BUG report.
  std::optional<HeapObject> checked(Addr a, const char* fn,
                                    std::optional<std::uint32_t> expect_cache) const;
  void release(const HeapObject& o);  // what every free does first: shadow, counts, poison
  void free_large(const HeapObject& o);
  // Bulk free (free_bulk.cpp): the whole array, then one detached freelist at a time.
  BulkFreeStats free_bulk(const char* fn, std::optional<std::uint32_t> cache,
                          std::span<const Addr> objs, std::vector<BulkTouch>& out);
  struct Detached;
  std::size_t build_detached_freelist(Detached& df, std::size_t size, std::vector<BulkTouch>& out);
  void slab_free(Detached& df, std::vector<BulkTouch>& out);
  void poison(Addr start, std::uint32_t size);
  void bug(const std::string& kind, const std::string& msg) const;
  [[noreturn]] static void unmapped(const char* access, Addr a);
  void set_pages(const Slab& s, std::uint32_t id_plus_one);

  std::uint8_t* base_ = nullptr;
  std::uint64_t size_ = 0;
  std::uint64_t mapping_ = 0;  // bytes reserved: the heap, then pages_, then shadow_
  PageInfo* pages_ = nullptr;  // by pfn
  bool poison_ = true;
  Addr next_page_ = layout::kPageOffset;
  std::vector<std::vector<Addr>> free_runs_;  // per order
  std::vector<Slab> slabs_;
  // Every slab's slots, each slab's contiguous, handed out in order: reserved once for the most
  // there can be (see the constructor), so the array never moves or copies as slabs are made.
  ObjShadow* shadow_ = nullptr;
  std::uint64_t shadow_used_ = 0, shadow_max_ = 0;
  std::vector<std::uint32_t> free_slab_ids_;
  std::vector<Addr> bulk_;  // free_bulk()'s copy of the caller's array, which the kernel reorders
  std::vector<KmemCache> caches_;
  std::vector<std::uint32_t> kmalloc_caches_;  // index = size class
  std::uint64_t objects_live_ = 0, bytes_live_ = 0, pages_used_ = 0, peak_pages_ = 0;
  BugSink bug_;
  mutable std::vector<std::string> bugs_;
};

inline std::optional<HeapObject> Heap::find(Addr a) const {
  auto o = locate(a);
  if (o) o->live = shadow_[o->slot].live();
  return o;
}

inline std::optional<HeapObject> Heap::locate(Addr a) const {
  if (a < layout::kPageOffset || a - layout::kPageOffset >= size_) return std::nullopt;
  const Addr off = a - layout::kPageOffset;
  const PageInfo& p = pages_[off >> layout::kPageShift];
  if (!p.slab) return std::nullopt;
  // Slab caches' geometry is in the (few, hot) caches; only kmalloc_large reads its slab.
  const bool large = p.cache == kLarge;
  const std::uint32_t size = large ? slabs_[p.slab - 1].size : caches_[p.cache].size;
  const std::uint32_t objects = large ? 1 : caches_[p.cache].objects;
  // A slab is far below 4 GiB: the offset divides in 32 bits.
  const std::uint32_t in_slab =
      p.offset + static_cast<std::uint32_t>(off & (layout::kPageSize - 1));
  const std::uint32_t idx = in_slab / size;
  if (idx >= objects) return std::nullopt;  // slack at the end of the slab
  return HeapObject{
      a - (in_slab - idx * size), size, p.cache, p.slab - 1, idx, false, p.slot + idx};
}

}  // namespace rcusim

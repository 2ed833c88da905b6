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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/heap/layout.hpp"
#include "sim/units.hpp"

namespace rcusim {

inline constexpr std::uint8_t kPoisonFree = 0x6b;
inline constexpr std::uint8_t kPoisonEnd = 0xa5;

// Simulator bookkeeping kept beside each object slot, like SLUB debug's struct track: it never
// decides what the kernel does, it only lets results say when an object was queued.
struct ObjShadow {
  std::int64_t queued_at = -1;  // cycles; -1 when not waiting for a grace period
  bool live = false;            // the slot holds an allocated object
};

struct KmemCache {
  std::string name;
  std::uint32_t size = 0;        // object size (stride)
  std::uint32_t order = 0;       // slab size = 4 KiB << order
  std::uint32_t objects = 0;     // per slab
  std::vector<std::uint32_t> partial;  // slabs with free objects
  std::uint64_t live = 0;
};

struct HeapObject {
  Addr start = 0;
  std::uint32_t size = 0;
  std::uint32_t cache = 0;
  std::uint32_t slab = 0;
  std::uint32_t index = 0;
  bool live = false;
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
  std::uint32_t kmem_cache_create(const std::string& name, std::uint32_t size);
  const KmemCache& cache(std::uint32_t id) const { return caches_[id]; }
  std::string_view cache_name(std::uint32_t id) const;  // "kmalloc_large" for kLarge
  // The kmalloc-N cache that serves `size`, or kLarge beyond kmalloc-8192.
  std::uint32_t kmalloc_cache(std::uint64_t size) const;

  Addr kmalloc(std::uint64_t size);  // 0 when the heap is exhausted
  Addr kmem_cache_alloc(std::uint32_t cache);
  bool kfree(Addr a);                // false (and a BUG report) on an invalid or double free
  bool kmem_cache_free(std::uint32_t cache, Addr a);

  // The accessors below run several times per simulated object: inline, checks out of line.
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
    return a >= layout::kPageOffset && a - layout::kPageOffset + len <= size_ &&
           a - layout::kPageOffset + len >= len;
  }
  std::optional<HeapObject> find(Addr a) const;  // the object slot containing a
  bool poison_intact(const HeapObject& o) const;
  ObjShadow& shadow(const HeapObject& o) { return slabs_[o.slab].shadow[o.index]; }
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
    Addr freelist = 0;
    bool on_partial = false;
    std::vector<ObjShadow> shadow;  // per object slot
  };
  std::uint8_t* ptr(Addr a) { return base_ + (a - layout::kPageOffset); }
  const std::uint8_t* ptr(Addr a) const { return base_ + (a - layout::kPageOffset); }
  Addr alloc_pages(std::uint32_t order);
  void free_pages(Addr a, std::uint32_t order);
  std::uint32_t new_slab(std::uint32_t cache, std::uint32_t size, std::uint32_t order,
                         std::uint32_t objects);
  Addr alloc_from(std::uint32_t cache);
  bool free_object(Addr a, const char* fn, std::optional<std::uint32_t> expect_cache);
  void poison(Addr start, std::uint32_t size);
  void bug(const std::string& kind, const std::string& msg) const;
  [[noreturn]] static void unmapped(const char* access, Addr a);
  const Slab* slab_of(Addr a) const {
    if (a < layout::kPageOffset || a - layout::kPageOffset >= size_) return nullptr;
    const std::uint32_t sid = page_slab_[(a - layout::kPageOffset) >> layout::kPageShift];
    return sid ? &slabs_[sid - 1] : nullptr;
  }

  std::uint8_t* base_ = nullptr;
  std::uint64_t size_ = 0;
  bool poison_ = true;
  Addr next_page_ = layout::kPageOffset;
  std::vector<std::vector<Addr>> free_runs_;  // per order
  std::vector<std::uint32_t> page_slab_;      // pfn -> slab index + 1
  std::vector<Slab> slabs_;
  std::vector<std::uint32_t> free_slab_ids_;
  std::vector<KmemCache> caches_;
  std::vector<std::uint32_t> kmalloc_caches_;  // index = size class
  std::uint64_t objects_live_ = 0, bytes_live_ = 0, pages_used_ = 0, peak_pages_ = 0;
  BugSink bug_;
};

inline std::optional<HeapObject> Heap::find(Addr a) const {
  const Slab* s = slab_of(a);
  if (!s) return std::nullopt;
  // A slab is far below 4 GiB: the offset divides in 32 bits.
  const std::uint32_t idx = static_cast<std::uint32_t>(a - s->base) / s->size;
  if (idx >= s->objects) return std::nullopt;  // slack at the end of the slab
  return HeapObject{s->base + std::uint64_t{idx} * s->size, s->size, s->cache,
                    static_cast<std::uint32_t>(s - slabs_.data()), idx, s->shadow[idx].live};
}

}  // namespace rcusim

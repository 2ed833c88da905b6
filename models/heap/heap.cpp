#include "models/heap/heap.hpp"

#include <sys/mman.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace rcusim {
namespace {

// kmalloc size classes of SLUB in 2.6.27 (kmalloc-8 ... kmalloc-8192, plus 96 and 192).
constexpr std::uint32_t kKmallocSizes[] = {8,   16,  32,   64,   96,   128, 192,
                                           256, 512, 1024, 2048, 4096, 8192};
// kmalloc_index() up to 192 bytes, in 8-byte steps: the smallest class that fits.
constexpr auto kSmallClass = [] {
  std::array<std::uint8_t, 192 / 8 + 1> t{};
  for (std::size_t n = 0; n < t.size(); ++n)
    while (kKmallocSizes[t[n]] < n * 8) ++t[n];
  return t;
}();
constexpr std::uint32_t kMinObjects = 8;  // slub_min_objects-like: order grows until 8 fit
constexpr std::uint32_t kMaxOrder = 3;

std::uint32_t slab_order(std::uint32_t size) {
  std::uint32_t order = 0;
  while (order < kMaxOrder && (layout::kPageSize << order) < std::uint64_t{size} * kMinObjects)
    ++order;
  return order;
}

std::uint32_t pages_order(std::uint64_t bytes) {
  std::uint32_t order = 0;
  while ((layout::kPageSize << order) < bytes) ++order;
  return order;
}

}  // namespace

Heap::Heap(Bytes size, bool poison) : size_(size.v), poison_(poison) {
  const std::uint64_t heap_bytes = (size_ + layout::kPageSize - 1) & ~(layout::kPageSize - 1);
  const std::uint64_t page_bytes = size_ / layout::kPageSize * sizeof(PageInfo);
  // Shadow slots are never given back: a small slab lives for ever (at most one slot per 8 bytes
  // of the heap in all) and a kmalloc_large id keeps its one slot (at most one id per page).
  shadow_max_ = size_ / 8 + size_ / layout::kPageSize;
  mapping_ = heap_bytes + page_bytes + shadow_max_ * sizeof(ObjShadow);
  void* p = mmap(nullptr, mapping_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("heap: cannot reserve backing memory");
  base_ = static_cast<std::uint8_t*>(p);
  // Objects are touched all over the heap, so with 4 KiB pages almost every access misses the
  // host's TLB. Ask for transparent huge pages (a hint; no effect where THP is off), for the
  // page and shadow arrays too: only the 2 MiB extents actually used get backed.
  madvise(p, mapping_, MADV_HUGEPAGE);
  pages_ = reinterpret_cast<PageInfo*>(base_ + heap_bytes);  // zero-filled: no slab anywhere
  shadow_ = reinterpret_cast<ObjShadow*>(base_ + heap_bytes + page_bytes);  // set per slab
  free_runs_.resize(32);
  for (std::uint32_t s : kKmallocSizes)
    kmalloc_caches_.push_back(kmem_cache_create(fmt::format("kmalloc-{}", s), s));
}

Heap::~Heap() { munmap(base_, mapping_); }

void Heap::bug(const std::string& kind, const std::string& msg) const {
  if (bug_)
    bug_(kind, msg);
  else
    bugs_.push_back(msg);
}

void Heap::unmapped(const char* access, Addr a) {
  throw std::out_of_range(fmt::format("heap: {} of unmapped 0x{:x}", access, a));
}

std::string_view Heap::cache_name(std::uint32_t id) const {
  return id == kLarge ? "kmalloc_large" : std::string_view(caches_[id].name);
}

std::uint32_t Heap::kmem_cache_create(const std::string& name, std::uint32_t size) {
  size = (size + 7u) & ~7u;  // word-aligned objects, as SLUB aligns to sizeof(void *)
  if (size < 8) size = 8;
  KmemCache c;
  c.name = name;
  c.size = size;
  c.order = slab_order(size);
  c.objects = static_cast<std::uint32_t>((layout::kPageSize << c.order) / size);
  caches_.push_back(std::move(c));
  return static_cast<std::uint32_t>(caches_.size() - 1);
}

bool Heap::kmem_cache_destroy(std::uint32_t cache) {
  KmemCache& c = caches_[cache];
  if (c.live) {  // __kmem_cache_shutdown() -> list_slab_objects(), then kmem_cache_destroy()'s WARN
    bug("bug", fmt::format("BUG {0} (Not tainted): Objects remaining in {0} on "
                           "__kmem_cache_shutdown(): {1} live; kmem_cache_destroy {0}: Slab cache "
                           "still has objects",
                           c.name, c.live));
    return false;
  }
  c.destroyed = true;
  return true;
}

std::optional<std::uint32_t> Heap::find_cache(std::string_view name) const {
  for (std::size_t i = caches_.size(); i-- > 0;)
    if (caches_[i].name == name && !caches_[i].destroyed) return static_cast<std::uint32_t>(i);
  return std::nullopt;
}

std::uint32_t Heap::kmalloc_cache(std::uint64_t size) const {
  if (size > kKmallocSizes[std::size(kKmallocSizes) - 1]) return kLarge;
  // Powers of two above kmalloc-192: kmalloc-2^n serves sizes up to 2^n.
  if (size > 192) return kmalloc_caches_[static_cast<std::size_t>(std::bit_width(size - 1) - 1)];
  return kmalloc_caches_[kSmallClass[(size + 7) / 8]];
}

Addr Heap::alloc_pages(std::uint32_t order) {
  peak_pages_ = std::max<std::uint64_t>(peak_pages_, pages_used_ + (1ULL << order));
  auto& runs = free_runs_[order];
  if (!runs.empty()) {
    const Addr a = runs.back();
    runs.pop_back();
    pages_used_ += 1ULL << order;
    return a;
  }
  const std::uint64_t bytes = layout::kPageSize << order;
  if (next_page_ - layout::kPageOffset + bytes > size_) return 0;
  const Addr a = next_page_;
  next_page_ += bytes;
  pages_used_ += 1ULL << order;
  return a;
}

void Heap::free_pages(Addr a, std::uint32_t order) {
  free_runs_[order].push_back(a);
  pages_used_ -= 1ULL << order;
}

std::uint32_t Heap::new_slab(std::uint32_t cache, std::uint32_t size, std::uint32_t order,
                             std::uint32_t objects) {
  const Addr base = alloc_pages(order);
  if (!base) return 0;
  std::uint32_t id;
  if (!free_slab_ids_.empty()) {
    id = free_slab_ids_.back();
    free_slab_ids_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(slabs_.size());
    slabs_.emplace_back();
  }
  Slab& s = slabs_[id];
  s.base = base;
  s.cache = cache;
  s.objects = objects;
  s.size = size;
  s.order = order;
  s.inuse = 0;
  if (s.capacity < objects) {  // a new slab, or a kmalloc_large id too small for this one
    if (shadow_used_ + objects > shadow_max_)
      throw std::logic_error("heap: shadow slots exhausted");
    s.slot = static_cast<std::uint32_t>(shadow_used_);
    s.capacity = objects;
    shadow_used_ += objects;
  }
  std::fill_n(shadow_ + s.slot, objects, ObjShadow{});
  // Thread the free pointers through the objects' own bytes, last object ends the list.
  for (std::uint32_t i = 0; i < objects; ++i) {
    const Addr obj = base + std::uint64_t{i} * size;
    if (poison_) poison(obj, size);
    write_u64(obj, i + 1 < objects ? obj + size : 0);
  }
  s.freelist = base;
  set_pages(s, id + 1);
  return id + 1;
}

void Heap::set_pages(const Slab& s, std::uint32_t id_plus_one) {
  const std::uint64_t pfn0 = (s.base - layout::kPageOffset) >> layout::kPageShift;
  for (std::uint32_t p = 0; p < (1u << s.order); ++p)
    pages_[pfn0 + p] =
        id_plus_one ? PageInfo{id_plus_one, s.cache, p << layout::kPageShift, s.slot} : PageInfo{};
}

Addr Heap::alloc_from(std::uint32_t cache) {
  KmemCache& c = caches_[cache];
  if (c.partial.empty()) {
    const std::uint32_t sid = new_slab(cache, c.size, c.order, c.objects);
    if (!sid) return 0;
    c.partial.push_back(sid - 1);
  }
  Slab& s = slabs_[c.partial.back()];
  const Addr obj = s.freelist;
  const std::uint32_t idx = static_cast<std::uint32_t>(obj - s.base) / s.size;
  if (poison_ && !poison_intact(HeapObject{obj, s.size, cache, 0, idx, false}))
    bug("bug", fmt::format("BUG {} (Not tainted): Poison overwritten: free object 0x{:x} was "
                           "written after free",
                           c.name, obj));
  s.freelist = read_u64(obj);
  c.cpu_slab = c.partial.back();
  shadow_[s.slot + idx].queued_at = ObjShadow::kNotQueued;
  if (++s.inuse == s.objects) c.partial.pop_back();
  ++c.live;
  ++objects_live_;
  bytes_live_ += s.size;
  return obj;
}

Addr Heap::kmalloc(std::uint64_t size) {
  if (size == 0) return 0;
  const std::uint32_t cache = kmalloc_cache(size);
  if (cache != kLarge) return alloc_from(cache);
  // kmalloc_large: whole pages straight from the page allocator, one object per "slab".
  const std::uint32_t order = pages_order(size);
  const std::uint32_t sid =
      new_slab(kLarge, static_cast<std::uint32_t>(layout::kPageSize << order), order, 1);
  if (!sid) return 0;
  Slab& s = slabs_[sid - 1];
  s.freelist = 0;
  shadow_[s.slot].queued_at = ObjShadow::kNotQueued;
  s.inuse = 1;
  ++objects_live_;
  bytes_live_ += s.size;
  return s.base;
}

Addr Heap::kmem_cache_alloc(std::uint32_t cache) { return alloc_from(cache); }

std::optional<HeapObject> Heap::checked(Addr a, const char* fn,
                                        std::optional<std::uint32_t> expect_cache) const {
  const auto o = find(a);
  if (!o) {
    bug("bug", fmt::format("BUG: {}(0x{:x}): invalid free: not a slab object", fn, a));
    return std::nullopt;
  }
  if (o->start != a) {
    bug("bug", fmt::format("BUG {} (Not tainted): Invalid object pointer 0x{:x}: {}() of a "
                           "pointer inside object 0x{:x}+0x{:x} (invalid free)",
                           cache_name(o->cache), a, fn, o->start, a - o->start));
    return std::nullopt;
  }
  if (!o->live) {
    bug("bug", fmt::format("BUG {} (Not tainted): Object already free: {}() of 0x{:x} (double "
                           "free)",
                           cache_name(o->cache), fn, a));
    return std::nullopt;
  }
  if (expect_cache && *expect_cache != o->cache) {
    bug("bug", fmt::format("BUG {} (Not tainted): Wrong slab cache: {}() of 0x{:x} into {}, but "
                           "the object is from {}",
                           cache_name(o->cache), fn, a, caches_[*expect_cache].name,
                           cache_name(o->cache)));
    return std::nullopt;
  }
  return o;
}

void Heap::release(const HeapObject& o) {
  const Slab& s = slabs_[o.slab];
  shadow_[o.slot] = ObjShadow{};
  --objects_live_;
  bytes_live_ -= s.size;
  if (poison_) poison(o.start, s.size);
}

void Heap::free_large(const HeapObject& o) {
  Slab& s = slabs_[o.slab];
  set_pages(s, 0);
  free_pages(s.base, s.order);
  free_slab_ids_.push_back(o.slab);
}

bool Heap::free_object(Addr a, const char* fn, std::optional<std::uint32_t> expect_cache) {
  const auto o = checked(a, fn, expect_cache);
  if (!o) return false;
  release(*o);
  if (o->cache == kLarge) {
    free_large(*o);
    return true;
  }
  Slab& s = slabs_[o->slab];
  write_u64(a, s.freelist);
  s.freelist = a;
  --caches_[o->cache].live;
  if (s.inuse-- == s.objects) caches_[o->cache].partial.push_back(o->slab);  // was full
  return true;
}

bool Heap::kfree(Addr a) {
  if (a == 0) return true;  // kfree(NULL) is a no-op
  return free_object(a, "kfree", std::nullopt);
}

bool Heap::kmem_cache_free(std::uint32_t cache, Addr a) {
  return free_object(a, "kmem_cache_free", cache);
}

std::optional<Addr> Heap::slab_freelist(Addr a) const {
  const auto o = locate(a);
  if (!o) return std::nullopt;
  return slabs_[o->slab].freelist;
}

void Heap::poison(Addr start, std::uint32_t size) {
  if (size <= 8) return;
  std::memset(ptr(start) + 8, kPoisonFree, size - 9);
  ptr(start)[size - 1] = kPoisonEnd;
}

bool Heap::poison_intact(const HeapObject& o) const {
  if (o.size <= 8) return true;
  // memcmp against a poison block: this check runs on every allocation.
  static const std::array<std::uint8_t, 4096> kPoison = [] {
    std::array<std::uint8_t, 4096> a;
    a.fill(kPoisonFree);
    return a;
  }();
  const std::uint8_t* p = ptr(o.start);
  for (std::uint32_t i = 8; i + 1 < o.size;) {
    const std::uint32_t n = std::min<std::uint32_t>(o.size - 1 - i, kPoison.size());
    if (std::memcmp(p + i, kPoison.data(), n) != 0) return false;
    i += n;
  }
  return p[o.size - 1] == kPoisonEnd;
}

}  // namespace rcusim

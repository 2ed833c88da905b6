#include "models/heap/bulk_cost.hpp"

#include "models/heap/layout.hpp"

namespace rcusim {

std::int64_t bulk_free_cycles(const BulkFreeStats& s, const KfreeBulkCosts& c,
                              std::int64_t large_free) {
  return c.call + c.object * s.objects + c.miss * s.misses + c.list * s.lists +
         c.slowpath * s.slow + c.cpu_partial * s.was_full + large_free * s.large;
}

std::optional<PlacedTouch> place(const BulkTouch& t, int cpu, Addr array) {
  using K = BulkTouch::Kind;
  switch (t.kind) {
    case K::array_read:
    case K::array_write:
      if (!array) return std::nullopt;
      return PlacedTouch{array + t.addr, t.size,
                         t.kind == K::array_read ? AccessKind::read : AccessKind::write};
    case K::slab_lookup:
    case K::fp_read: return PlacedTouch{t.addr, t.size, AccessKind::read};
    case K::fp_write: return PlacedTouch{t.addr, t.size, AccessKind::write};
    case K::cpu_freelist:
      return PlacedTouch{
          layout::kPerCpuStart + static_cast<Addr>(cpu) * layout::kPerCpuUnit + t.addr, t.size,
          AccessKind::modify};
    case K::slab_freelist:
    case K::large_free: return PlacedTouch{t.addr, t.size, AccessKind::modify};
  }
  return std::nullopt;
}

}  // namespace rcusim

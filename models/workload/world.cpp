#include "models/workload/world.hpp"

#include <fmt/format.h>
#include <cmath>
#include <stdexcept>

#include "models/kernel/kernel.hpp"
#include "sim/base/quantity.hpp"

namespace rcusim {
namespace {

std::uint32_t head_offset_for(const std::string& spec, std::uint32_t size, Rng& rng) {
  if (spec == "end") return rcu_head_at_end(size);
  if (spec == "start") return 16;
  if (spec == "random") return 16 + 8 * static_cast<std::uint32_t>(rng.below((size - 32) / 8 + 1));
  std::string why;
  return static_cast<std::uint32_t>(*quantity::parse_bytes(spec, why));  // validated on load
}

TypeKind kind_for(std::size_t t, std::size_t types, const ObjectsConfig& o) {
  // Deterministic proportional split: the first round(kfree_only * types) types only kfree(),
  // the next round(cache_only * types) only kmem_cache_free(), the rest do real work.
  const auto nk = static_cast<std::size_t>(std::llround(o.kfree_only * static_cast<double>(types)));
  const auto nc = static_cast<std::size_t>(std::llround(o.cache_only * static_cast<double>(types)));
  if (t < nk) return TypeKind::kfree_only;
  if (t < nk + nc) return TypeKind::cache_only;
  return TypeKind::nontrivial;
}

}  // namespace

void build_world(Kernel& k, ObjectWorld& w, const ObjectsConfig& o, const TableConfig& table,
                 Rng& rng) {
  const auto ntypes = static_cast<std::size_t>(o.types);
  w.types.resize(ntypes);
  for (std::size_t t = 0; t < ntypes; ++t) {
    ObjectType& ty = w.types[t];
    auto size = static_cast<std::uint32_t>(std::max<std::int64_t>(o.size.d.sample(rng), 32));
    size = (size + 7u) & ~7u;
    ty.head_offset = head_offset_for(o.head_offset, size, rng);
    ty.size = std::max(size, ty.head_offset + kRcuHeadSize);
    ty.kind = kind_for(t, ntypes, o);
    if (ty.kind == TypeKind::cache_only)
      ty.cache = k.heap.kmem_cache_create(fmt::format("type{}_cache", t), ty.size);
  }
  // Callbacks are spread round-robin over the modules, each module's functions contiguous.
  const auto nmod = static_cast<std::size_t>(std::min<std::int64_t>(o.modules, o.types));
  for (std::size_t m = 0; m < nmod; ++m) {
    const int mod = k.syms.add_module(fmt::format("mod{}", m), o.callback_stride.bytes);
    for (std::size_t t = m; t < ntypes; t += nmod) {
      ObjectType& ty = w.types[t];
      Function f;
      f.size = static_cast<std::uint32_t>(o.callback_size.bytes);
      f.head_offset = ty.head_offset;
      f.cache = ty.cache;
      switch (ty.kind) {
        case TypeKind::kfree_only:
          f.name = fmt::format("type{}_release_rcu", t);
          f.kind = FnKind::trivial_kfree;
          break;
        case TypeKind::cache_only:
          f.name = fmt::format("type{}_free_rcu", t);
          f.kind = FnKind::trivial_cache_free;
          break;
        case TypeKind::nontrivial:
          f.name = fmt::format("type{}_reclaim_rcu", t);
          f.kind = FnKind::nontrivial;
          f.work = Cycles{o.nontrivial_work};
          break;
      }
      ty.callback = k.syms.add_to_module(mod, f);
    }
    k.syms.load(mod);
  }
  // The RCU-protected table, and one live object per slot.
  w.slots = static_cast<std::uint64_t>(table.slots);
  w.table = k.heap.kmalloc(w.slots * 8);
  if (!w.table) throw std::runtime_error("heap.size is too small for the table");
  for (std::uint64_t s = 0; s < w.slots; ++s) {
    const ObjectType& ty = w.type_of_slot(s);
    const Addr obj = ty.kind == TypeKind::cache_only ? k.heap.kmem_cache_alloc(ty.cache)
                                                     : k.heap.kmalloc(ty.size);
    if (!obj) throw std::runtime_error("heap.size is too small for the table's objects");
    const std::uint64_t gen = w.next_generation++;
    k.heap.write_u64(obj, gen);
    k.heap.write_u64(obj + kGenerationOffset, gen);
    k.heap.write_u64(w.slot_addr(s), obj);
  }
}

}  // namespace rcusim

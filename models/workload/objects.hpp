// The objects the workloads use: struct types, each with its own size, rcu_head offset and
// callback function in module text, and the RCU-protected table of pointers to them.
//
// Object layout: bytes 0-7 hold data (the free pointer once freed), bytes 8-15 the object's
// generation number (reader checks it), the rcu_head {next, func} at head_offset.
#pragma once
#include <cstdint>
#include <vector>

#include "models/rcu/rcu_head.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

enum class TypeKind : std::uint8_t { kfree_only, cache_only, nontrivial };

struct ObjectType {
  std::uint32_t size = 0;
  std::uint32_t head_offset = 0;
  TypeKind kind = TypeKind::kfree_only;
  std::uint32_t cache = 0;     // kmem_cache for cache_only types
  std::uint32_t callback = 0;  // function id of the type's RCU callback
};

inline constexpr Addr kGenerationOffset = 8;

struct ObjectWorld {
  std::vector<ObjectType> types;
  Addr table = 0;  // kmalloc'd array of slots pointers
  std::uint64_t slots = 0;
  std::uint64_t next_generation = 1;
  Addr slot_addr(std::uint64_t s) const { return table + s * 8; }
  const ObjectType& type_of_slot(std::uint64_t s) const { return types[s % types.size()]; }
};

}  // namespace rcusim

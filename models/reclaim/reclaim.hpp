// Both reclaim paths, executed on the simulated heap's bytes:
//   queue:  call_rcu(head, func) stores a function address in head->func;
//           kfree_rcu(ptr, head) stores the encoded offset of head within ptr's object.
//   invoke: __rcu_reclaim(head) reads head->func back from memory and decodes it: an offset
//           frees head - offset, anything else is called, i.e. dispatched by address through the
//           symbol table. An address in unmapped (unloaded module) text oopses.
#pragma once
#include <cstdint>

#include "models/kernel/stats.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;

enum class FnKind : std::uint8_t;
// The reclaim path a callback of this kind takes (Path::failed for non-callbacks).
Path path_of(FnKind kind);

// `path` is what the caller meant (for the queued count); the invoke side finds out for itself.
void call_rcu(Cpu& cpu, Addr head, std::uint32_t fn, Path path);
// Returns false when kfree_rcu() BUGs (offset too large for the encoding): nothing is queued.
bool kfree_rcu(Cpu& cpu, Addr ptr, Addr head);
// __rcu_reclaim(): returns the path the decoded word led to.
Path rcu_reclaim(Cpu& cpu, Addr head);

}  // namespace rcusim

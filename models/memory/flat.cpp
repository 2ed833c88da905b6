#include "models/memory/flat.hpp"

namespace rcusim {

Cycles FlatMemory::access(int cpu, Addr, std::uint32_t, AccessKind kind, MemClass cls) {
  const Cycles c = kind == AccessKind::ifetch ? cfg_.ifetch
                   : kind == AccessKind::read ? cfg_.read
                                              : cfg_.write;
  auto& k = counters_[static_cast<std::size_t>(cpu)];
  ++k.accesses;
  k.cycles += c.v;
  ++k.by_class[static_cast<std::size_t>(cls)];
  return c;
}

Cycles FlatMemory::indirect_call(int cpu, Addr, Addr) {
  counters_[static_cast<std::size_t>(cpu)].cycles += cfg_.indirect_call.v;
  return cfg_.indirect_call;
}

}  // namespace rcusim

// struct rcu_head { struct rcu_head *next; void (*func)(struct rcu_head *); } as it lies in the
// simulated heap's bytes, on x86-64.
#pragma once
#include <cstdint>

#include "sim/base/units.hpp"

namespace rcusim {

inline constexpr Addr kRcuHeadNext = 0;
inline constexpr Addr kRcuHeadFunc = 8;
inline constexpr std::uint32_t kRcuHeadSize = 16;

// Offset of an rcu_head placed last in a struct of `size` bytes, pointer-aligned.
inline constexpr std::uint32_t rcu_head_at_end(std::uint32_t size) {
  return (size - kRcuHeadSize) & ~7u;
}

}  // namespace rcusim

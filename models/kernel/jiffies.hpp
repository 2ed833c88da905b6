// Jiffies comparisons that survive the counter's wrap: include/linux/jiffies.h.
#pragma once

namespace rcusim {

constexpr bool time_after(long a, long b) {
  return static_cast<long>(static_cast<unsigned long>(b) - static_cast<unsigned long>(a)) < 0;
}
constexpr bool time_before(long a, long b) { return time_after(b, a); }

}  // namespace rcusim

// Typed quantities: simulated time is an integer count of CPU cycles, sizes are bytes.
// Separate types keep a latency from being passed where a size is expected.
#pragma once
#include <compare>
#include <cstdint>

namespace rcusim {

using Addr = std::uint64_t;  // a simulated kernel virtual address

// 128-bit intermediates keep cycle/ns conversions exact (a GCC/Clang extension).
__extension__ typedef __int128 int128_t;
__extension__ typedef unsigned __int128 uint128_t;

struct Cycles {
  std::int64_t v = 0;
  constexpr Cycles() = default;
  constexpr explicit Cycles(std::int64_t c) : v(c) {}
  constexpr auto operator<=>(const Cycles&) const = default;
  constexpr Cycles operator+(Cycles o) const { return Cycles{v + o.v}; }
  constexpr Cycles operator-(Cycles o) const { return Cycles{v - o.v}; }
  constexpr Cycles& operator+=(Cycles o) {
    v += o.v;
    return *this;
  }
  constexpr Cycles& operator-=(Cycles o) {
    v -= o.v;
    return *this;
  }
  constexpr Cycles operator*(std::int64_t k) const { return Cycles{v * k}; }
};

struct Bytes {
  std::uint64_t v = 0;
  constexpr Bytes() = default;
  constexpr explicit Bytes(std::uint64_t b) : v(b) {}
  constexpr auto operator<=>(const Bytes&) const = default;
};

// Simulated clock frequency; the only place cycles become nanoseconds (for results).
struct Frequency {
  std::uint64_t hz = 3'000'000'000ULL;
  // Integer ns, rounded down, so results never carry floating-point noise.
  constexpr std::int64_t to_ns(Cycles c) const {
    return static_cast<std::int64_t>((static_cast<int128_t>(c.v) * 1'000'000'000) / hz);
  }
  constexpr Cycles from_ns(std::int64_t ns) const {
    return Cycles{static_cast<std::int64_t>((static_cast<int128_t>(ns) * hz) / 1'000'000'000)};
  }
};

}  // namespace rcusim

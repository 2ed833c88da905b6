// A distribution of integer values (nanoseconds or bytes) named in a scenario:
// "5us" is a constant, { dist = "exp", mean = "5us" }, { dist = "uniform", min = .., max = .. }.
#pragma once
#include <cstdint>
#include <string>

#include "sim/base/rng.hpp"

namespace rcusim {

struct Dist {
  enum class Kind : std::uint8_t { constant, uniform, exponential };
  Kind kind = Kind::constant;
  std::int64_t a = 0;  // constant value, uniform min, or exponential mean
  std::int64_t b = 0;  // uniform max

  static Dist constant(std::int64_t v) { return {Kind::constant, v, v}; }
  static Dist uniform(std::int64_t lo, std::int64_t hi) { return {Kind::uniform, lo, hi}; }
  static Dist exponential(std::int64_t mean) { return {Kind::exponential, mean, 0}; }

  std::int64_t sample(Rng& r) const {
    switch (kind) {
      case Kind::constant: return a;
      case Kind::uniform: return r.between(a, b);
      case Kind::exponential: return r.exponential(static_cast<double>(a));
    }
    return a;
  }
  std::int64_t max_value() const { return kind == Kind::uniform ? b : a; }
  bool operator==(const Dist&) const = default;
};

}  // namespace rcusim

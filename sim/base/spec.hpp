// The value types scenario keys carry, and the range and documentation of one key. Models
// declare their own config sections with these (each section's visit() lists its keys once);
// the scenario reader, the JSON writer and `rcusim keys` walk the same lists.
#pragma once
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "sim/base/dist.hpp"

namespace rcusim {

// Scenario value types that carry a unit in the file.
struct Duration {
  std::int64_t ns = 0;
  bool operator==(const Duration&) const = default;
};
struct Size {
  std::uint64_t bytes = 0;
  bool operator==(const Size&) const = default;
};
struct TimeDist {
  Dist d;
};  // values in ns
struct SizeDist {
  Dist d;
};  // values in bytes

// Range and documentation of one key. `choices` of a plug-in key come from its family's name
// table, so the reader, `rcusim keys` and the factory cannot disagree.
struct Spec {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string_view> choices = {};
  std::string_view doc = {};
};

}  // namespace rcusim

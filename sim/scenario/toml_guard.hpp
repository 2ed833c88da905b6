// Limits checked on TOML text before toml++ sees it. toml++ builds one nested table per segment
// of a dotted key ("a.a.a... = 1", "[a.a.a...]") recursively, and frees them recursively: tens
// of thousands of segments overflow the stack. Nested arrays and inline tables are bounded by
// toml++ itself (256); scenario keys are at most five deep.
#pragma once
#include <string>
#include <string_view>

namespace rcusim {

inline constexpr std::size_t kMaxScenarioBytes = 16u << 20;
inline constexpr int kMaxKeyDepth = 32;

// Empty when `text` is within the limits, else "line N: why".
std::string toml_guard(std::string_view text);

}  // namespace rcusim

// kfree_rcu()'s encoding of the rcu_head offset in rcu_head.func, both versions:
//   rfc    (Lai Jiangshan, 2008): func = offset / sizeof(void *), BUG_ON(offset > 4095 words);
//          __rcu_reclaim() frees head - func * sizeof(void *) when func <= 4095.
//   merged (Linux 3.0, 9ab1544eb419): func = offset in bytes, offset < 4096 checked at build
//          time; __is_kfree_rcu_offset(func) = func < 4096.
// Which one a run uses follows its kfree_rcu() generation (generation.hpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace rcusim {

enum class Encoding : std::uint8_t { rfc, merged };

inline constexpr std::uint64_t kPointerSize = 8;           // sizeof(void *) on x86-64
inline constexpr std::uint64_t kRfcMaxOffsetWords = 4095;  // __KFREE_RCU_MAX_OFFSET
inline constexpr std::uint64_t kMergedOffsetLimit = 4096;  // __is_kfree_rcu_offset()

struct Encoded {
  std::optional<std::uint64_t> word;  // the value stored in rcu_head.func
  std::string bug;                    // why kfree_rcu() BUGs when there is no word
};

// What kfree_rcu(ptr, head) stores for offset = head - ptr.
Encoded encode_kfree_offset(Encoding e, std::uint64_t offset_bytes);
// What __rcu_reclaim() makes of the word it read: a byte offset, or nothing (a function).
// Inline: it runs for every callback queued and invoked.
inline std::optional<std::uint64_t> decode_kfree_offset(Encoding e, std::uint64_t word) {
  if (e == Encoding::rfc) {
    if (word <= kRfcMaxOffsetWords) return word * kPointerSize;
    return std::nullopt;
  }
  if (word < kMergedOffsetLimit) return word;
  return std::nullopt;
}

}  // namespace rcusim

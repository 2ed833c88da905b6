#include "models/reclaim/encoding.hpp"

#include <fmt/format.h>

namespace rcusim {

Encoded encode_kfree_offset(Encoding e, std::uint64_t offset) {
  if (e == Encoding::rfc) {
    // BUG_ON(offset > KFREE_RCU_MAX_OFFSET), KFREE_RCU_MAX_OFFSET = sizeof(void *) * 4095
    if (offset > kPointerSize * kRfcMaxOffsetWords)
      return {std::nullopt, fmt::format("kernel BUG at kernel/rcupdate.c: kfree_rcu(): offset {} > "
                                        "KFREE_RCU_MAX_OFFSET ({})",
                                        offset, kPointerSize * kRfcMaxOffsetWords)};
    return {offset / kPointerSize, {}};
  }
  // BUILD_BUG_ON(!__is_kfree_rcu_offset(offsetof(typeof(*(ptr)), rcu_head)))
  if (offset >= kMergedOffsetLimit)
    return {std::nullopt, fmt::format("BUILD_BUG_ON: kfree_rcu(): rcu_head offset {} is not "
                                      "below {}",
                                      offset, kMergedOffsetLimit)};
  return {offset, {}};
}

}  // namespace rcusim

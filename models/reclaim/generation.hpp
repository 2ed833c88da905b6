// kfree_rcu() through its generations, one row each (the plug-in table of sim/base/plugin.hpp):
// [reclaim] kfree_rcu names a row. The first two queue one call_rcu() per object and differ in
// how rcu_head.func encodes the offset (encoding.hpp); from 5.6 on kfree_rcu() batches
// (models/reclaim/kvfree/) under the row's policy.
#pragma once
#include <span>
#include <string_view>

#include "models/reclaim/encoding.hpp"

namespace rcusim {

struct KvfreePolicy;

struct KfreeRcuGeneration {
  std::string_view name;
  std::string_view doc;
  Encoding encoding;                  // the offset's encoding where func holds one
  const KvfreePolicy* (*batching)();  // nullptr: one call_rcu() per object
};

std::span<const KfreeRcuGeneration> kfree_rcu_generations();

// One file each under models/reclaim/generations/.
const KvfreePolicy* policy_5_6();
const KvfreePolicy* policy_5_7();
const KvfreePolicy* policy_6_1();
const KvfreePolicy* policy_6_3();
const KvfreePolicy* policy_6_12();

}  // namespace rcusim

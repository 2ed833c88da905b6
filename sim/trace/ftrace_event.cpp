#include "sim/trace/ftrace_event.hpp"

#include <array>

namespace rcusim::ftrace {
namespace {

// In RcuFields' order; include/trace/events/rcu.h, v6.6.
constexpr std::array<std::string_view, std::variant_size_v<RcuFields>> kNames = {
    "rcu_grace_period",
    "rcu_grace_period_init",
    "rcu_quiescent_state_report",
    "rcu_fqs",
    "rcu_callback",
    "rcu_kvfree_callback",
    "rcu_batch_start",
    "rcu_invoke_callback",
    "rcu_invoke_kvfree_callback",
    "rcu_invoke_kfree_bulk_callback",
    "rcu_batch_end",
    "rcu_barrier"};

constexpr std::size_t index_of(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return i;
  return kNames.size();
}

}  // namespace

std::string_view event_name(const RcuFields& f) { return kNames[f.index()]; }

std::optional<std::size_t> rcu_event_index(std::string_view event) {
  if (event.size() < 7 || event.substr(0, 4) != "rcu_") return std::nullopt;
  // Before v5.6 the kvfree events were rcu_kfree_callback and rcu_invoke_kfree_callback
  // (commit c408b215f58f); their fields are the same.
  if (event == "rcu_kfree_callback") return index_of("rcu_kvfree_callback");
  if (event == "rcu_invoke_kfree_callback") return index_of("rcu_invoke_kvfree_callback");
  std::size_t i = index_of(event);
  if (i == kNames.size()) return std::nullopt;
  return i;
}

}  // namespace rcusim::ftrace

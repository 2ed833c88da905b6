#include "sim/base/tracepoint.hpp"

#include <iterator>

namespace rcusim {

std::string_view to_string(Ev e) {
  static constexpr std::string_view names[] = {
      "rcu_grace_period", "rcu_callback",  "rcu_kfree_callback", "rcu_batch_start",
      "rcu_invoke_callback", "rcu_invoke_kfree_callback", "rcu_invoke_kfree_bulk_callback",
      "rcu_batch_end", "rcu_donelist", "rcu_force_qs", "ksoftirqd", "workqueue_execute_start",
      "rcu_barrier", "module_load", "module_unload", "busy", "use_after_free", "oops", "bug",
      "note"};
  static_assert(std::size(names) == static_cast<std::size_t>(Ev::count));
  return names[static_cast<std::size_t>(e)];
}

}  // namespace rcusim

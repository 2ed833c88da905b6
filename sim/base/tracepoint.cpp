#include "sim/base/tracepoint.hpp"

#include <iterator>

namespace rcusim {

std::string_view to_string(Ev e) {
  static constexpr std::string_view names[] = {"rcu_grace_period",
                                               "rcu_callback",
                                               "rcu_kvfree_callback",
                                               "rcu_batch_start",
                                               "rcu_invoke_callback",
                                               "rcu_invoke_kvfree_callback",
                                               "rcu_invoke_kfree_bulk_callback",
                                               "rcu_batch_end",
                                               "rcu_grace_period_init",
                                               "rcu_quiescent_state_report",
                                               "rcu_fqs",
                                               "rcu_donelist",
                                               "rcu_force_qs",
                                               "ksoftirqd",
                                               "workqueue_execute_start",
                                               "rcu_barrier",
                                               "module_load",
                                               "module_unload",
                                               "busy",
                                               "use_after_free",
                                               "oops",
                                               "bug",
                                               "note",
                                               "softirq_entry",
                                               "softirq_exit",
                                               "read_lock",
                                               "read_unlock",
                                               "kthread_begin",
                                               "kthread_end"};
  static_assert(std::size(names) == static_cast<std::size_t>(Ev::count));
  return names[static_cast<std::size_t>(e)];
}

}  // namespace rcusim

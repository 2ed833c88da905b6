// Instruction cycles of the batching code, beside its memory accesses (which the memory model
// prices): instruction counts of each path at about 3 per cycle, plus the atomics. Not scenario
// keys, like KfreeBulkCosts: a key enters every summary.json.
#pragma once
#include <cstdint>

namespace rcusim::kvfree_costs {

// kvfree_call_rcu(): local_irq_save/restore and raw_spin_lock/unlock of krcp->lock (the locked
// cmpxchg: 19 cycles), the page slot or list insert, the count and the monitor check.
inline constexpr std::int64_t kCall = 40;
// __get_free_page(): the page allocator's per-CPU list fast path.
inline constexpr std::int64_t kPageAlloc = 120;
// kfree_rcu_monitor(): the lock, the loop over the batches and their channels, the re-arm.
inline constexpr std::int64_t kMonitor = 150;
// kfree_rcu_work(): container_of, the lock, detaching the channels.
inline constexpr std::int64_t kWork = 60;
// kvfree_rcu_bulk(): the tracepoint test, the lock around put_cached_bnode() or free_page().
inline constexpr std::int64_t kBulkPage = 60;
// kvfree_rcu_list(): per object, the offset test and the call to kvfree().
inline constexpr std::int64_t kListObject = 10;

}  // namespace rcusim::kvfree_costs

// Kernel functions whose text the models fetch; sizes are those of a 2.6.27 x86-64 build,
// rounded (objdump of vmlinux), so the I-cache footprint is of the right order.
#pragma once
#include <cstdint>

namespace rcusim {

class Symbols;

struct CoreText {
  std::uint32_t timer_interrupt, do_softirq, rcu_process_callbacks, rcu_do_batch, call_rcu,
      kfree_rcu, kmalloc, kfree, kmem_cache_alloc, kmem_cache_free, schedule, rcu_reader,
      rcu_updater, rcu_barrier, rcu_barrier_callback, on_each_cpu, kmem_cache_free_bulk,
      process_one_work;  // placed with the workqueue, when a model makes one
};

// Places the functions in kernel text, in a fixed order (their addresses depend on it).
CoreText boot_text(Symbols& s);
// Kernel text placed after every boot and workload function, so that theirs keep their addresses.
void place_late_text(Symbols& s, CoreText& t);

}  // namespace rcusim

#include "models/kernel/core_text.hpp"

#include "models/heap/bulk_cost.hpp"
#include "models/module/symbols.hpp"

namespace rcusim {

CoreText boot_text(Symbols& s) {
  auto add = [&](const char* name, std::uint32_t size) {
    Function f;
    f.name = name;
    f.size = size;
    return s.add_kernel(f);
  };
  CoreText t;
  t.timer_interrupt = add("smp_apic_timer_interrupt", 512);
  t.do_softirq = add("__do_softirq", 320);
  t.rcu_process_callbacks = add("rcu_process_callbacks", 416);
  t.rcu_do_batch = add("rcu_do_batch", 160);
  t.call_rcu = add("call_rcu", 128);
  t.kfree_rcu = add("kfree_rcu", 64);
  t.kmalloc = add("__kmalloc", 288);
  t.kfree = add("kfree", 256);
  t.kmem_cache_alloc = add("kmem_cache_alloc", 224);
  t.kmem_cache_free = add("kmem_cache_free", 192);
  t.schedule = add("schedule", 1536);
  t.rcu_reader = add("workload_reader", 256);
  t.rcu_updater = add("workload_updater", 320);
  t.rcu_barrier = add("_rcu_barrier", 256);
  t.on_each_cpu = add("on_each_cpu", 192);
  Function cb;
  cb.name = "rcu_barrier_callback";
  cb.size = 48;
  cb.kind = FnKind::barrier_callback;
  t.rcu_barrier_callback = s.add_kernel(cb);
  return t;
}

void place_late_text(Symbols& s, CoreText& t) {
  Function f;
  f.name = "kmem_cache_free_bulk";
  f.size = kKmemCacheFreeBulkText;
  t.kmem_cache_free_bulk = s.add_kernel(f);
}

}  // namespace rcusim

// Where the batching code's text lies: placed after every other kernel function, so a batching
// generation leaves the others' addresses as they are. Sizes are the symbol sizes of Ubuntu
// x86-64 builds (DepSurf's dataset): kvfree_call_rcu 536 B (5.11), kfree_rcu_monitor 379 B (5.8;
// 1144 B from 6.5 with kvfree_rcu_drain_ready() inlined), kfree_rcu_work 454 B (5.11); the
// others are estimates of the same order.
#include "models/kernel/kernel.hpp"
#include "models/reclaim/kvfree/kvfree.hpp"

namespace rcusim {

KvfreeText place_kvfree_text(Kernel& k, const KvfreePolicy& p) {
  auto add = [&](const char* name, std::uint32_t size, FnKind kind = FnKind::core) {
    Function f;
    f.name = name;
    f.size = size;
    f.kind = kind;
    return k.syms.add_kernel(f);
  };
  KvfreeText t{};
  t.kvfree_call_rcu = add("kvfree_call_rcu", 544);
  t.kfree_rcu_monitor = add("kfree_rcu_monitor", p.polled ? 1152 : 384);
  t.kfree_rcu_work = add("kfree_rcu_work", 464);
  t.kvfree_rcu_bulk = add("kvfree_rcu_bulk", 256);
  t.rcu_work_rcufn = add("rcu_work_rcufn", 64, FnKind::rcu_work);
  t.fill_page_cache_func = add("fill_page_cache_func", 256);
  t.kvfree_rcu_barrier = add("kvfree_rcu_barrier", 320);
  k.text.process_one_work = add("process_one_work", 1024);
  return t;
}

}  // namespace rcusim

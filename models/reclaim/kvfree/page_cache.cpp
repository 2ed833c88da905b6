// Pages for the pointer arrays: the per-CPU cache and the page allocator (kernel/rcu/tree.c:
// v5.7 krcp->bcached and __get_free_page(GFP_NOWAIT); v6.6 get_cached_bnode(),
// put_cached_bnode(), run_page_cache_worker(), fill_page_cache_func()).
#include "models/kernel/kernel.hpp"
#include "models/reclaim/kvfree/costs.hpp"
#include "models/reclaim/kvfree/kvfree.hpp"

namespace rcusim {

// A cached page (get_cached_bnode()), else one from the page allocator where this generation
// allocates in kfree_rcu(), subject to fail_page_alloc.
std::optional<Addr> KvfreeRcu::new_page(Cpu& cpu, KfreeRcuCpu& krcp) {
  if (!krcp.bkvcache.empty()) {
    const Addr page = krcp.bkvcache.back();
    krcp.bkvcache.pop_back();
    return page;
  }
  if (!p_.inline_page_alloc) return std::nullopt;
  if (fail_page_alloc_ > 0 && krcp.fail_rng.chance(fail_page_alloc_)) return std::nullopt;
  cpu.charge(kvfree_costs::kPageAlloc);
  const Addr page = k_.heap.alloc_page();
  if (!page) return std::nullopt;
  return page;
}

// put_cached_bnode(), else free_page().
void KvfreeRcu::put_page(KfreeRcuCpu& krcp, Addr page) {
  if (static_cast<int>(krcp.bkvcache.size()) < p_.cached_pages)
    krcp.bkvcache.push_back(page);
  else
    k_.heap.free_page(page);
}

// run_page_cache_worker(): the hrtimer fires at once and queues page_cache_work.
void KvfreeRcu::run_page_cache_worker(Cpu& cpu, KfreeRcuCpu& krcp) {
  if (krcp.work_in_progress) return;
  krcp.work_in_progress = true;
  k_.wq->queue_delayed_work(cpu, krcp.page_cache_work, 0);
}

// fill_page_cache_func(): up to rcu_min_cached_objs pages into the cache.
void KvfreeRcu::fill_page_cache_func(Cpu& cpu, WorkStruct& w) {
  KfreeRcuCpu& krcp = krcp_of(w);
  KvfreeRcu& kv = *krcp.kv;
  cpu.fetch(kv.text_.fill_page_cache_func);
  while (static_cast<int>(krcp.bkvcache.size()) < kv.p_.cached_pages) {
    if (kv.fail_page_alloc_ > 0 && krcp.fail_rng.chance(kv.fail_page_alloc_)) break;
    cpu.charge(kvfree_costs::kPageAlloc);
    const Addr page = kv.k_.heap.alloc_page();
    if (!page) break;
    krcp.bkvcache.push_back(page);
  }
  krcp.work_in_progress = false;
}

}  // namespace rcusim

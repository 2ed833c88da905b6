// Batched kfree_rcu(): kvfree_call_rcu() and what follows it (kernel/rcu/tree.c, v5.6-v6.12;
// mm/slab_common.c from v6.13), one instance per run, under its generation's KvfreePolicy. The
// delayed monitor and the batches' rcu_work run in the CPUs' kworkers (models/kernel/workqueue);
// a batch waits for its grace period through one RcuFlavor::call_rcu() of its rcu_work's head,
// whose callback (rcu_work_rcufn(), FnKind::rcu_work) queues the work that frees it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/reclaim/kvfree/krc.hpp"
#include "models/reclaim/kvfree/policy.hpp"

namespace rcusim {

class Cpu;
class Kernel;
class Reclaim;

// Kernel text of the batching code, placed when a batching generation boots.
struct KvfreeText {
  std::uint32_t kvfree_call_rcu, kfree_rcu_monitor, kfree_rcu_work, kvfree_rcu_bulk, rcu_work_rcufn,
      fill_page_cache_func, kvfree_rcu_barrier;
};

class KvfreeRcu {
 public:
  KvfreeRcu(Kernel& k, Reclaim& r, const KvfreePolicy& p, double fail_page_alloc,
            std::uint64_t seed);
  const KvfreePolicy& policy() const { return p_; }

  // kvfree_call_rcu(head, ptr): queue ptr, whose rcu_head is at head, on this CPU.
  void kvfree_call_rcu(Cpu& cpu, Addr head, Addr ptr);
  // rcu_work_rcufn(): a batch's grace period has ended; its work is queued here.
  void rcu_work_rcufn(Cpu& cpu, Addr head);
  // kvfree_rcu_barrier(): returns once every object queued before it has been freed.
  void kvfree_rcu_barrier(Cpu& cpu);

  bool idle() const;  // nothing waiting in any kfree_rcu_cpu, no work queued or armed
  // Where the live objects of `cache` wait, one phrase per CPU holding any ("CPU 1
  // kfree_rcu_cpu: 40 waiting (page), 10 in flight (batch 0)").
  std::vector<std::string> census(std::uint32_t cache) const;

 private:
  // kvfree.cpp: the queueing side and the page cache.
  bool add_ptr_to_bulk(Cpu& cpu, KfreeRcuCpu& krcp, Addr ptr);
  std::optional<Addr> new_page(Cpu& cpu, KfreeRcuCpu& krcp);
  void put_page(KfreeRcuCpu& krcp, Addr page);
  void run_page_cache_worker(Cpu& cpu, KfreeRcuCpu& krcp);
  static void fill_page_cache_func(Cpu& cpu, WorkStruct& w);
  void schedule_monitor(Cpu& cpu, KfreeRcuCpu& krcp);
  // monitor.cpp: the delayed work that detaches batches.
  static void kfree_rcu_monitor(Cpu& cpu, WorkStruct& w);
  bool queue_batch(Cpu& cpu, KfreeRcuCpu& krcp);  // kvfree_rcu_queue_batch()
  void drain_ready(Cpu& cpu, KfreeRcuCpu& krcp);  // kvfree_rcu_drain_ready()
  // work.cpp: freeing a batch after its grace period.
  static void kfree_rcu_work(Cpu& cpu, WorkStruct& w);
  void free_bulk(Cpu& cpu, KfreeRcuCpu& krcp, KvfreeBulkData& bnode);  // kvfree_rcu_bulk()
  void free_list(Cpu& cpu, Addr head);                                 // kvfree_rcu_list()
  static KfreeRcuCpu& krcp_of(WorkStruct& w) { return *static_cast<KfreeRcuCpu*>(w.owner); }

  Kernel& k_;
  Reclaim& r_;
  const KvfreePolicy& p_;
  const double fail_page_alloc_;
  const std::int64_t drain_;  // KFREE_DRAIN_JIFFIES
  KvfreeText text_{};
  std::vector<KfreeRcuCpu> krc_;                        // DEFINE_PER_CPU(krc)
  std::unordered_map<Addr, KfreeRcuCpuWork*> by_head_;  // to_rcu_work(): rcu_head -> batch
};

}  // namespace rcusim

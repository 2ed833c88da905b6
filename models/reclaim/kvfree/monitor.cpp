// kfree_rcu_monitor(): the delayed work that detaches what waits into a free batch and queues
// its rcu_work (kernel/rcu/tree.c: v5.6 kfree_rcu_monitor()/kfree_rcu_drain_unlock()/
// queue_kfree_rcu_work(); v6.6 kfree_rcu_monitor(), kvfree_rcu_drain_ready(); v6.12
// kvfree_rcu_queue_batch()).
#include "models/kernel/kernel.hpp"
#include "models/rcu/callback_cost.hpp"
#include "models/rcu/flavor.hpp"
#include "models/reclaim/kvfree/costs.hpp"
#include "models/reclaim/kvfree/kvfree.hpp"

namespace rcusim {

void KvfreeRcu::kfree_rcu_monitor(Cpu& cpu, WorkStruct& w) {
  KfreeRcuCpu& krcp = krcp_of(w);
  KvfreeRcu& kv = *krcp.kv;
  CallbackCost cost(kv.k_, cpu);  // reclaim work: charged to the kfree_rcu path
  cpu.fetch(kv.text_.kfree_rcu_monitor);
  cpu.charge(kvfree_costs::kMonitor);
  cpu.access(krcp.self, 64, AccessKind::modify, MemClass::rcu_head);
  if (!kv.p_.flood_rearm) {
    // 5.6-5.7: if (monitor_todo) { monitor_todo = false; kfree_rcu_drain_unlock(); }, which
    // re-arms for another KFREE_DRAIN_JIFFIES when no batch is free.
    if (krcp.monitor_todo) {
      krcp.monitor_todo = false;
      if (!kv.queue_batch(cpu, krcp)) {
        krcp.monitor_todo = true;
        kv.k_.wq->queue_delayed_work(cpu, krcp.monitor_work, kv.drain_);
      }
    }
  } else {
    if (kv.p_.polled) kv.drain_ready(cpu, krcp);
    kv.queue_batch(cpu, krcp);
    if (krcp.need_offload()) kv.schedule_monitor(cpu, krcp);  // batches still busy: retry
  }
  cost.charge(Path::kfree_rcu);
}

// Detaches the waiting pages and list into the first batch whose channels are all free and
// queues its rcu_work: one call_rcu() for the whole batch. False when nothing was queued.
bool KvfreeRcu::queue_batch(Cpu& cpu, KfreeRcuCpu& krcp) {
  for (int i = 0; i < p_.n_batches; ++i) {
    KfreeRcuCpuWork& krw = krcp.krw_arr[static_cast<std::size_t>(i)];
    if (krw.busy() || !krcp.need_offload()) continue;
    krw.bulk_head_free.swap(krcp.bulk_head);  // channel 1
    krcp.bulk_count = 0;
    krw.head_free = krcp.head;  // channel 3
    krw.head_free_count = krcp.head_count;
    krw.head_free_gp_snap = k_.rcu->get_state_synchronize_rcu();
    krcp.head = 0;
    krcp.head_count = 0;
    // queue_rcu_work(): a work still pending takes the channels when it runs.
    if (krw.work.pending) return true;
    krw.work.pending = true;
    k_.rcu->call_rcu(cpu, krw.rcu_head, k_.syms.fn(text_.rcu_work_rcufn).addr);
    return true;
  }
  return false;
}

// kvfree_rcu_drain_ready() (6.3 on): pages and the list whose snapshot a finished grace period
// covers are freed here and now, oldest page first.
void KvfreeRcu::drain_ready(Cpu& cpu, KfreeRcuCpu& krcp) {
  std::deque<KvfreeBulkData> ready;
  while (!krcp.bulk_head.empty() &&
         k_.rcu->poll_state_synchronize_rcu(krcp.bulk_head.back().gp_snap)) {
    krcp.bulk_count -= static_cast<std::int64_t>(krcp.bulk_head.back().records.size());
    ready.push_back(std::move(krcp.bulk_head.back()));
    krcp.bulk_head.pop_back();
  }
  Addr head_ready = 0;
  if (krcp.head && k_.rcu->poll_state_synchronize_rcu(krcp.head_gp_snap)) {
    head_ready = krcp.head;
    krcp.head = 0;
    krcp.head_count = 0;
  }
  for (KvfreeBulkData& b : ready) free_bulk(cpu, krcp, b);
  if (head_ready) free_list(cpu, head_ready);
}

}  // namespace rcusim

// kvfree_rcu_barrier() (kernel/rcu/tree.c, v6.12, 2b55d6a42d14): detach what waits on every
// CPU into a batch (after flushing that CPU's batches if none is free), then wait for the
// monitors and every batch: flush_rcu_work(), which is rcu_barrier() while the batch still waits
// for its grace period, then flush_work().
#include <fmt/format.h>

#include "models/kernel/kernel.hpp"
#include "models/rcu/flavor.hpp"
#include "models/reclaim/kvfree/kvfree.hpp"

namespace rcusim {

namespace {
void flush_rcu_work(Kernel& k, Cpu& cpu, const KfreeRcuCpuWork& krw) {
  if (krw.work.pending) k.rcu->rcu_barrier(cpu);
  k.wq->flush_work(cpu, krw.work);
}
}  // namespace

void KvfreeRcu::kvfree_rcu_barrier(Cpu& cpu) {
  cpu.fetch(text_.kvfree_rcu_barrier);
  for (KfreeRcuCpu& krcp : krc_) {
    while (!k_.stopped()) {
      cpu.sync();  // krcp->lock: each CPU's state as of now
      if (!krcp.need_offload() || queue_batch(cpu, krcp)) break;
      for (int i = 0; i < p_.n_batches; ++i)  // batches in flight: flush them, then retry
        flush_rcu_work(k_, cpu, krcp.krw_arr[static_cast<std::size_t>(i)]);
    }
  }
  for (KfreeRcuCpu& krcp : krc_) {
    if (k_.stopped()) return;
    k_.wq->cancel_delayed_work_sync(cpu, krcp.monitor_work);
    for (int i = 0; i < p_.n_batches; ++i)
      flush_rcu_work(k_, cpu, krcp.krw_arr[static_cast<std::size_t>(i)]);
  }
}

}  // namespace rcusim

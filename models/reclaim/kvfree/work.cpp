// After a batch's grace period: rcu_work_rcufn() queues its work, and kfree_rcu_work() frees
// it in the kworker, pages by kfree_bulk() and the list one by one (kernel/rcu/tree.c: v5.6
// kfree_rcu_work(), v5.7 the bulk channel, v6.6 kvfree_rcu_bulk(), kvfree_rcu_list();
// kernel/workqueue.c rcu_work_rcufn()).
#include "models/heap/kalloc.hpp"
#include "models/kernel/kernel.hpp"
#include "models/rcu/callback_cost.hpp"
#include "models/rcu/flavor.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/kvfree/costs.hpp"
#include "models/reclaim/kvfree/kvfree.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {

namespace {
// cond_resched_tasks_rcu_qs() between objects or pages: pending interrupts are taken and the
// kworker reports a quiescent state, as cond_resched() does through rcu_all_qs() (a preemptible
// kernel's tick would too), so a long batch does not hold up the next grace period.
void cond_resched_tasks_rcu_qs(Kernel& k, Cpu& cpu) {
  k.rcu->qsctr_inc(cpu);
  cpu.take_interrupts();
}
}  // namespace

void KvfreeRcu::rcu_work_rcufn(Cpu& cpu, Addr head) {
  KfreeRcuCpuWork& krw = *by_head_.at(head);
  k_.wq->insert_work(cpu, krw.work);  // __queue_work(WORK_CPU_UNBOUND): this CPU's pool
}

void KvfreeRcu::kfree_rcu_work(Cpu& cpu, WorkStruct& w) {
  KfreeRcuCpuWork& krw = *static_cast<KfreeRcuCpuWork*>(w.owner);
  KfreeRcuCpu& krcp = *krw.krcp;
  KvfreeRcu& kv = *krcp.kv;
  cpu.sync();  // the channels empty at their true time, for kvfree_rcu_barrier() elsewhere
  std::deque<KvfreeBulkData> bulk;
  {
    CallbackCost cost(kv.k_, cpu);
    cpu.fetch(kv.text_.kfree_rcu_work);
    cpu.charge(kvfree_costs::kWork);
    cpu.access(krcp.self, 64, AccessKind::modify, MemClass::rcu_head);
    bulk.swap(krw.bulk_head_free);
    cost.charge(Path::kfree_rcu);
  }
  const Addr head = krw.head_free;
  const std::uint64_t head_snap = krw.head_free_gp_snap;
  krw.head_free = 0;
  krw.head_free_count = 0;
  // Oldest page first: its grace period is the likeliest to have passed.
  for (auto it = bulk.rbegin(); it != bulk.rend() && !kv.k_.stopped(); ++it) {
    CallbackCost cost(kv.k_, cpu);
    if (!kv.p_.polled || kv.k_.rcu->poll_state_synchronize_rcu(it->gp_snap))
      kv.free_bulk(cpu, krcp, *it);  // else WARN_ON_ONCE: the kernel leaks the page's objects
    cost.charge(Path::kfree_rcu);
    cond_resched_tasks_rcu_qs(kv.k_, cpu);
  }
  if (head && (!kv.p_.polled || kv.k_.rcu->poll_state_synchronize_rcu(head_snap))) {
    CallbackCost cost(kv.k_, cpu);
    kv.free_list(cpu, head);
    cost.charge(Path::kfree_rcu);
  }
}

// kvfree_rcu_bulk(): one page of pointers to kfree_bulk(), then the page back to the cache.
void KvfreeRcu::free_bulk(Cpu& cpu, KfreeRcuCpu& krcp, KvfreeBulkData& bnode) {
  cpu.fetch(text_.kvfree_rcu_bulk);
  cpu.charge(kvfree_costs::kBulkPage);
  const auto n = bnode.records.size();
  k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_invoke_kfree_bulk_callback, 0, bnode.page, 0, -1,
              static_cast<std::int64_t>(n)});
  for (const Addr obj : bnode.records) r_.note_reclaimed(cpu, obj, Path::kfree_rcu);
  kfree_bulk(cpu, n, bnode.records.data(), bnode.page + 4096 - 8 * p_.bulk_max_entr);
  cpu.access(krcp.self, 64, AccessKind::modify, MemClass::rcu_head);
  put_page(krcp, bnode.page);
}

// kvfree_rcu_list(): objects linked through their rcu_heads, kfree()d one by one.
void KvfreeRcu::free_list(Cpu& cpu, Addr head) {
  for (Addr next; head && !k_.stopped(); head = next) {
    cpu.read(head, kRcuHeadSize, MemClass::rcu_head);
    next = k_.heap.read_u64(head + kRcuHeadNext);
    const std::uint64_t func = k_.heap.read_u64(head + kRcuHeadFunc);
    const Addr ptr = p_.func_holds_ptr ? func : head - func;
    cpu.charge(kvfree_costs::kListObject);
    r_.note_reclaimed(cpu, head, Path::kfree_rcu);
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_invoke_kvfree_callback, 0, head, head - ptr});
    kfree(cpu, ptr);
    cond_resched_tasks_rcu_qs(k_, cpu);
  }
}

}  // namespace rcusim

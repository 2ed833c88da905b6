// kvfree_call_rcu() (kernel/rcu/tree.c: v5.6 kfree_call_rcu(), v5.7
// kfree_call_rcu_add_ptr_to_bulk(), v6.6 add_ptr_to_bulk_krc_lock(),
// schedule_delayed_monitor_work()).
#include "models/reclaim/kvfree/kvfree.hpp"

#include <stdexcept>

#include "models/kernel/kernel.hpp"
#include "models/rcu/flavor.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/kvfree/costs.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {

KvfreeText place_kvfree_text(Kernel& k, const KvfreePolicy& p);

namespace {
constexpr std::uint64_t kFailStream = 0x4b564652ULL;
constexpr std::uint32_t kKrcpBytes = 64;  // lock, head, counts, monitor state: one line
}  // namespace

KvfreeRcu::KvfreeRcu(Kernel& k, Reclaim& r, const KvfreePolicy& p, double fail_page_alloc,
                     std::uint64_t seed)
    : k_(k),
      r_(r),
      p_(p),
      fail_page_alloc_(fail_page_alloc),
      drain_(p.drain_jiffies(k.machine.hz)) {
  text_ = place_kvfree_text(k, p);
  k.wq = std::make_unique<Workqueue>(k);
  const auto n = static_cast<std::size_t>(k.machine.cpus);
  krc_.reserve(n);                       // the workqueue and by_head_ keep pointers into it
  for (std::size_t c = 0; c < n; ++c) {  // kfree_rcu_batch_init()
    KfreeRcuCpu& krcp = krc_.emplace_back(*this, static_cast<int>(c), Rng(seed, kFailStream + c));
    krcp.self = k.heap.kmalloc(kKrcpBytes);
    krcp.monitor_work.work = {kfree_rcu_monitor, &krcp, text_.kfree_rcu_monitor};
    krcp.page_cache_work.work = {fill_page_cache_func, &krcp, text_.fill_page_cache_func};
    for (int i = 0; i < p.n_batches; ++i) {
      KfreeRcuCpuWork& krw = krcp.krw_arr[static_cast<std::size_t>(i)];
      krw.krcp = &krcp;
      krw.work = {kfree_rcu_work, &krw, text_.kfree_rcu_work};
      krw.rcu_head = k.heap.kmalloc(kRcuHeadSize);
      if (!krw.rcu_head) break;
      by_head_[krw.rcu_head] = &krw;
    }
    if (!krcp.self || !krcp.krw_arr[static_cast<std::size_t>(p.n_batches - 1)].rcu_head)
      throw std::runtime_error("heap.size is too small for per-CPU data");
  }
}

void KvfreeRcu::kvfree_call_rcu(Cpu& cpu, Addr head, Addr ptr) {
  KfreeRcuCpu& krcp = krc_[static_cast<std::size_t>(cpu.id())];
  cpu.fetch(text_.kvfree_call_rcu);
  cpu.charge(kvfree_costs::kCall);
  cpu.access(krcp.self, kKrcpBytes, AccessKind::modify, MemClass::rcu_head);  // krc_this_cpu_lock()
  r_.note_queued(cpu, head, Path::kfree_rcu);
  if (!add_ptr_to_bulk(cpu, krcp, ptr)) {
    if (p_.refill_worker) run_page_cache_worker(cpu, krcp);
    // head->func = func (the offset) or ptr; head->next = krcp->head; krcp->head = head;
    k_.heap.write_u64(head + kRcuHeadFunc, p_.func_holds_ptr ? ptr : head - ptr);
    k_.heap.write_u64(head + kRcuHeadNext, krcp.head);
    cpu.write(head, kRcuHeadSize, MemClass::rcu_head);
    krcp.head = head;
    ++krcp.head_count;
    if (p_.polled) krcp.head_gp_snap = k_.rcu->get_state_synchronize_rcu();
  }
  k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_kvfree_callback, 0, head, head - ptr, krcp.count()});
  schedule_monitor(cpu, krcp);
}

// Records ptr in the CPU's newest page, taking a new page when that one is full.
bool KvfreeRcu::add_ptr_to_bulk(Cpu& cpu, KfreeRcuCpu& krcp, Addr ptr) {
  if (!p_.bulk) return false;
  if (krcp.bulk_head.empty() || krcp.bulk_head.front().records.size() == p_.bulk_max_entr) {
    const auto page = new_page(cpu, krcp);
    if (!page) return false;  // the emergency path: the rcu_head list
    krcp.bulk_head.push_front(KvfreeBulkData{*page, {}, 0});
    krcp.bulk_head.front().records.reserve(p_.bulk_max_entr);
  }
  KvfreeBulkData& bnode = krcp.bulk_head.front();
  const Addr slot = bnode.page + 4096 - 8 * p_.bulk_max_entr + 8 * bnode.records.size();
  k_.heap.write_u64(slot, ptr);  // bnode->records[bnode->nr_records++] = ptr;
  cpu.write(slot, 8, MemClass::rcu_head);
  bnode.records.push_back(ptr);
  if (p_.polled) bnode.gp_snap = k_.rcu->get_state_synchronize_rcu();
  ++krcp.bulk_count;
  return true;
}

// Arms the monitor: 5.6-5.7 once per drain (monitor_todo), from 6.1 at the next jiffy once a
// page's worth waits (schedule_delayed_monitor_work(), 51824b780b71).
void KvfreeRcu::schedule_monitor(Cpu& cpu, KfreeRcuCpu& krcp) {
  Workqueue& wq = *k_.wq;
  if (!p_.flood_rearm) {
    if (krcp.monitor_todo) return;
    krcp.monitor_todo = true;
    wq.queue_delayed_work(cpu, krcp.monitor_work, drain_);
    return;
  }
  const std::int64_t delay = krcp.count() >= std::int64_t{p_.bulk_max_entr} ? 1 : drain_;
  if (krcp.monitor_work.work.pending) {
    if (krcp.monitor_work.timer_pending && delay < wq.delay_left(cpu, krcp.monitor_work))
      wq.mod_delayed_work(cpu, krcp.monitor_work, delay);
    return;
  }
  wq.queue_delayed_work(cpu, krcp.monitor_work, delay);
}

}  // namespace rcusim

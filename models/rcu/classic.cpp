#include "models/rcu/classic.hpp"

#include <climits>

#include "models/rcu/callback_cost.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {

std::string_view to_string(GpState s) { return s == GpState::idle ? "idle" : "wait_qs"; }

std::unique_ptr<RcuFlavor> make_classic(Kernel& k, const RcuConfig& cfg) {
  return std::make_unique<ClassicRcu>(k, cfg);
}

namespace {
inline bool rcu_batch_before(long a, long b) { return (a - b) < 0; }
constexpr Addr kNextOff = kRcuHeadNext, kFuncOff = kRcuHeadFunc;
}  // namespace

ClassicRcu::ClassicRcu(Kernel& k, const RcuConfig& cfg)
    : k_(k), cfg_(cfg), data_(static_cast<std::size_t>(k.machine.cpus)), barrier_(k) {
  rcp_.cpumask.assign(data_.size(), 0);
  rcp_.lock.set_class(k.stats.lock_class("rcu_ctrlblk.lock"));
  for (std::size_t i = 0; i < data_.size(); ++i) {  // rcu_init_percpu_data()
    data_[i].cpu = static_cast<int>(i);
    data_[i].quiescbatch = rcp_.completed;
    data_[i].blimit = cfg.blimit;
  }
}

// *to->tail = from->head: the splice writes the last rcu_head's next word.
void ClassicRcu::append(rcu_list& to, const rcu_list& from) {
  if (from.empty()) return;
  if (to.empty())
    to.head = from.head;
  else
    k_.heap.write_u64(to.tail + kNextOff, from.head);
  to.tail = from.tail;
}

void ClassicRcu::call_rcu(Cpu& cpu, Addr head, std::uint64_t func) {
  rcu_data& r = rdp(cpu);
  cpu.fetch(k_.text.call_rcu);
  cpu.charge(k_.costs.call_rcu);
  k_.heap.write_u64(head + kFuncOff, func);  // head->func = func;
  k_.heap.write_u64(head + kNextOff, 0);     // head->next = NULL;
  cpu.write(head, 16, MemClass::rcu_head);
  if (!r.nxtlist.empty()) cpu.write(r.nxtlist.tail + kNextOff, 8, MemClass::rcu_head);
  append(r.nxtlist, rcu_list{head, head});  // *rdp->nxttail = head; rdp->nxttail = &head->next;
  ++r.qlen;
  ++qlen_total_;
  if (k_.tp.enabled()) {  // the kernel's tracepoint tells the two kinds apart the same way
    const auto off = decode_kfree_offset(k_.reclaim->encoding(), func);
    k_.tp.emit({cpu.now().v, cpu.id(), off ? Ev::rcu_kvfree_callback : Ev::rcu_callback, 0, head,
                off ? *off : func, r.qlen});
  }
  if (r.qlen > cfg_.qhimark) {
    r.blimit = INT_MAX;
    force_quiescent_state(cpu, r);
  }
}

void ClassicRcu::force_quiescent_state(Cpu& cpu, rcu_data&) {
  cpu.set_need_resched();
  cpu.spin_lock(rcp_.lock);
  if (!rcp_.signaled) {
    rcp_.signaled = 1;
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_force_qs, rcp_.cur});
    for (int c = 0; c < k_.ncpus(); ++c)
      if (c != cpu.id() && rcp_.cpumask[static_cast<std::size_t>(c)]) cpu.send_resched_ipi(c);
  }
  cpu.charge(k_.costs.lock_hold);
  cpu.spin_unlock(rcp_.lock);
}

void ClassicRcu::fill_cpumask(Cpu&) {
  rcp_.cpumask_weight = 0;
  for (int c = 0; c < k_.ncpus(); ++c) {  // cpus_andnot(cpumask, cpu_online_map, nohz_cpu_mask)
    const bool in = !k_.cpu(c).tick_stopped();
    rcp_.cpumask[static_cast<std::size_t>(c)] = in;
    rcp_.cpumask_weight += in;
  }
}

// Caller holds rcp->lock.
void ClassicRcu::start_batch(Cpu& cpu) {
  RCUSIM_ASSERT_HELD(cpu, rcp_.lock);
  if (rcp_.next_pending && rcp_.completed == rcp_.cur) {
    rcp_.next_pending = 0;
    ++rcp_.cur;
    fill_cpumask(cpu);
    rcp_.signaled = 0;
    rcp_.gp_start = cpu.now();
    ++k_.stats.gp_started;
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_grace_period, rcp_.cur, 0, 0, -1, -1, "start"});
    if (rcp_.cpumask_weight == 0) cpu_quiet(cpu);  // every CPU is in nohz: nothing to wait for
  }
}

// Caller holds rcp->lock.
void ClassicRcu::cpu_quiet(Cpu& cpu) {
  RCUSIM_ASSERT_HELD(cpu, rcp_.lock);
  auto& bit = rcp_.cpumask[static_cast<std::size_t>(cpu.id())];
  if (bit) {
    bit = 0;
    --rcp_.cpumask_weight;
  }
  if (rcp_.cpumask_weight == 0) {  // batch completed!
    // A CPU outside the batch's cpumask (it was in nohz when the batch began) may still report a
    // quiescent state for it afterwards; the kernel then "completes" it again, harmlessly.
    if (rcp_.completed == rcp_.cur) return start_batch(cpu);
    rcp_.completed = rcp_.cur;
    ++k_.stats.gp_completed;
    k_.stats.gp_latency.add((cpu.now() - rcp_.gp_start).v);
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_grace_period, rcp_.completed, 0, 0, -1, -1, "end"});
    start_batch(cpu);
  }
}

void ClassicRcu::check_quiescent_state(Cpu& cpu, rcu_data& r) {
  if (r.quiescbatch != rcp_.cur) {  // a new grace period: note it, report on a later pass
    r.qs_pending = 1;
    r.passed_quiesc = 0;
    r.quiescbatch = rcp_.cur;
    return;
  }
  if (!r.qs_pending || !r.passed_quiesc) return;
  r.qs_pending = 0;
  cpu.spin_lock(rcp_.lock);
  if (r.quiescbatch == rcp_.cur) {
    ++cpu.stats().quiescent_states;
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_grace_period, rcp_.cur, 0, 0, -1, -1, "cpuqs"});
    cpu_quiet(cpu);
  }
  cpu.charge(k_.costs.lock_hold);
  cpu.spin_unlock(rcp_.lock);
}

void ClassicRcu::process_callbacks(Cpu& cpu) {
  rcu_data& r = rdp(cpu);
  cpu.fetch(k_.text.rcu_process_callbacks);
  if (!r.curlist.empty() && !rcu_batch_before(rcp_.completed, r.batch)) {
    k_.tp.emit({.time = cpu.now().v,
                .cpu = cpu.id(),
                .ev = Ev::rcu_donelist,
                .gp = r.batch,
                .list = r.curlist.head});
    append(r.donelist, r.curlist);
    r.curlist = {};
  }
  if (!r.nxtlist.empty() && r.curlist.empty()) {
    r.curlist = r.nxtlist;
    r.nxtlist = {};
    r.batch = rcp_.cur + 1;    // determine batch number
    if (!rcp_.next_pending) {  // and start it / schedule start if it's a new batch
      cpu.spin_lock(rcp_.lock);
      rcp_.next_pending = 1;
      start_batch(cpu);
      cpu.charge(k_.costs.lock_hold);
      cpu.spin_unlock(rcp_.lock);
    }
  }
  check_quiescent_state(cpu, r);
  if (!r.donelist.empty()) do_batch(cpu, r);
}

// rcu_do_batch(), kernel/rcuclassic.c (2.6.27):
//   list = rdp->donelist;
//   while (list) {
//     next = list->next;
//     prefetch(next);
//     list->func(list);
//     list = next;
//     if (++count >= rdp->blimit)
//       break;
//   }
//   rdp->donelist = list;
//   local_irq_disable(); rdp->qlen -= count; local_irq_enable();
//   if (rdp->blimit == INT_MAX && rdp->qlen <= qlowmark) rdp->blimit = blimit;
//   if (!rdp->donelist) rdp->donetail = &rdp->donelist; else raise_rcu_softirq();
void ClassicRcu::do_batch(Cpu& cpu, rcu_data& r) {
  cpu.fetch(k_.text.rcu_do_batch);
  k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_batch_start, 0, 0, 0, r.qlen, r.blimit});
  CallbackCost cost(k_, cpu);
  long count = 0;
  Addr list = r.donelist.head;
  while (list) {
    cpu.charge(k_.costs.do_batch);
    const Addr next = read_next(cpu, list);
    prefetch_next(cpu, next);
    cost.charge(k_.reclaim->rcu_reclaim(cpu, list));  // list->func(list)
    prefetch_next_meta(next);
    list = next;
    if (++count >= r.blimit || k_.stopped()) break;
  }
  r.donelist.head = list;
  r.qlen -= count;
  qlen_total_ -= count;
  if (r.blimit == INT_MAX && r.qlen <= cfg_.qlowmark) r.blimit = cfg_.blimit;
  k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_batch_end, 0, 0, 0, r.qlen, count});
  if (r.donelist.empty())
    r.donelist.tail = 0;
  else
    cpu.raise_softirq();
}

// next = list->next, from the rcu_head's bytes.
Addr ClassicRcu::read_next(Cpu& cpu, Addr list) {
  cpu.read(list + kNextOff, 8, MemClass::rcu_head);
  return k_.heap.read_u64(list + kNextOff);
}

// The kernel's prefetch(next), done for the host: next's bytes and the cache model's state for
// it arrive while the current callback runs.
void ClassicRcu::prefetch_next(Cpu& cpu, Addr next) {
  if (!next) return;
  k_.heap.prefetch(next);
  cpu.expect(next);
}

// For the host: next's PageInfo is there by now, so its shadow word and slab can follow.
void ClassicRcu::prefetch_next_meta(Addr next) {
  if (next) k_.heap.prefetch_meta(next);
}

void ClassicRcu::for_each_queued(int cpu, const std::function<void(Addr)>& f) const {
  const rcu_data& r = data_[static_cast<std::size_t>(cpu)];
  for (const rcu_list* l : {&r.donelist, &r.curlist, &r.nxtlist})
    for (Addr h = l->head; h; h = k_.heap.read_u64(h + kNextOff)) f(h);
}

bool ClassicRcu::pending(Cpu& cpu) {
  const rcu_data& r = rdp(cpu);
  if (!r.curlist.empty() && !rcu_batch_before(rcp_.completed, r.batch)) return true;
  if (r.curlist.empty() && !r.nxtlist.empty()) return true;
  if (!r.donelist.empty()) return true;
  return r.quiescbatch != rcp_.cur || r.qs_pending;
}

bool ClassicRcu::needs_cpu(Cpu& cpu) { return !rdp(cpu).curlist.empty() || pending(cpu); }

void ClassicRcu::check_callbacks(Cpu& cpu, bool user) {
  // user || (idle_cpu(cpu) && !in_softirq() && hardirq_count() <= (1 << HARDIRQ_SHIFT))
  if (user || (cpu.ctx() == TaskCtx::idle && !cpu.in_softirq())) qsctr_inc(cpu);
  cpu.raise_softirq();
}

}  // namespace rcusim

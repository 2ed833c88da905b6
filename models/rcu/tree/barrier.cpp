// rcu_barrier() as Linux v6.6 runs it (kernel/rcu/tree.c): per CPU, under rcu_state.barrier_lock,
// a CPU without callbacks is skipped ("NQ"); each other one gets a CALL_FUNCTION IPI
// (smp_call_function_single(), wait=1) whose handler entrains its barrier_head after the last
// non-empty segment of its list (rcu_segcblist_entrain()). The count starts at 2 so that no early
// callback completes the barrier before every CPU has been visited.
#include "models/kernel/kernel.hpp"
#include "models/rcu/tree/tree.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim::tree {

// rcu_barrier_trace(): "%s %s cpu %d remaining %d # %lu" -> detail, qlen, count, gp.
void TreeRcu::barrier_trace(const Cpu& cpu, std::string_view what, int cpu_arg,
                            std::uint64_t done) const {
  if (!k_.tp.enabled()) return;
  k_.tp.emit({.time = cpu.now().v,
              .cpu = cpu.id(),
              .ev = Ev::rcu_barrier,
              .gp = static_cast<std::int64_t>(done),
              .qlen = cpu_arg,
              .count = rsp_.barrier_cpu_count,
              .detail = what});
}

// rcu_barrier_callback(): the last one completes the barrier.
void TreeRcu::barrier_callback(Cpu& cpu, Addr) {
  const std::uint64_t s = rsp_.barrier_sequence;
  if (--rsp_.barrier_cpu_count == 0) {
    barrier_trace(cpu, "LastCB", -1, s);
    rsp_.barrier_completion = true;  // complete(&rcu_state.barrier_completion)
    if (rsp_.barrier_waiter >= 0) k_.cpu(rsp_.barrier_waiter).kick();
  } else {
    barrier_trace(cpu, "CB", -1, s);
  }
}

// rcu_barrier_entrain(): once per barrier and CPU. Caller holds barrier_lock.
void TreeRcu::rcu_barrier_entrain(Cpu& cpu, rcu_data& r) {
  RCUSIM_ASSERT_HELD(cpu, rsp_.barrier_lock);
  const std::uint64_t gseq = rsp_.barrier_sequence, lseq = r.barrier_seq_snap;
  if (rcu_seq_state(lseq) || !rcu_seq_state(gseq) || rcu_seq_ctr(lseq) != rcu_seq_ctr(gseq)) return;
  barrier_trace(cpu, "IRQ", -1, gseq);
  if (rcu_segcblist_n_cbs(r.cblist)) {
    const Addr tail = r.cblist.tails[RCU_NEXT_TAIL];
    k_.reclaim->prepare_head(cpu, r.barrier_head, k_.text.rcu_barrier_callback, Path::barrier);
    if (tail) cpu.write(tail + kRcuHeadNext, 8, MemClass::rcu_head);
    rcu_segcblist_entrain(k_.heap, r.cblist, r.barrier_head);
    ++qlen_total_;
    ++rsp_.barrier_cpu_count;
  } else {
    barrier_trace(cpu, "IRQNQ", -1, gseq);
  }
  r.barrier_seq_snap = gseq;
}

// rcu_barrier_handler(), from the IPI with irqs off.
void TreeRcu::rcu_barrier_handler(Cpu& cpu, void* info) {
  auto& t = *static_cast<TreeRcu*>(info);
  cpu.spin_lock(t.rsp_.barrier_lock);
  t.rcu_barrier_entrain(cpu, t.rdp(cpu));
  cpu.charge(t.k_.costs.lock_hold);
  cpu.spin_unlock(t.rsp_.barrier_lock);
}

void TreeRcu::rcu_barrier(Cpu& cpu) {
  cpu.fetch(k_.text.rcu_barrier);
  const std::uint64_t s = rcu_seq_snap(rsp_.barrier_sequence);
  barrier_trace(cpu, "Begin", -1, s);
  if (rsp_.barrier_mutex) {  // mutex_lock(&rcu_state.barrier_mutex): a sleeping lock
    cpu.schedule();
    cpu.run_until(k_.drain_end, TaskCtx::idle, [this] { return !rsp_.barrier_mutex; });
    cpu.schedule();
  }
  if (k_.stopped()) return;
  if (rcu_seq_done(rsp_.barrier_sequence, s)) {  // someone else did our work for us
    barrier_trace(cpu, "EarlyExit", -1, rsp_.barrier_sequence);
    return;
  }
  rsp_.barrier_mutex = true;
  const Cycles start = cpu.now();
  ++k_.stats.barrier_calls;
  cpu.spin_lock(rsp_.barrier_lock);
  rcu_seq_start(rsp_.barrier_sequence);
  const std::uint64_t gseq = rsp_.barrier_sequence;
  barrier_trace(cpu, "Inc1", -1, gseq);
  rsp_.barrier_completion = false;
  rsp_.barrier_cpu_count = 2;
  cpu.charge(k_.costs.lock_hold);
  cpu.spin_unlock(rsp_.barrier_lock);
  for (int c = 0; c < k_.ncpus(); ++c) {  // for_each_possible_cpu()
    rcu_data& r = data_[static_cast<std::size_t>(c)];
    if (r.barrier_seq_snap == gseq) continue;
    cpu.spin_lock(rsp_.barrier_lock);
    const bool none = rcu_segcblist_n_cbs(r.cblist) == 0;
    if (none) r.barrier_seq_snap = gseq;
    cpu.charge(k_.costs.lock_hold);
    cpu.spin_unlock(rsp_.barrier_lock);
    if (none) {
      barrier_trace(cpu, "NQ", c, rsp_.barrier_sequence);
      continue;
    }
    cpu.smp_call_function_single(c, rcu_barrier_handler, this);
    barrier_trace(cpu, "OnlineQ", c, rsp_.barrier_sequence);
  }
  rsp_.barrier_cpu_count -= 2;  // every CPU visited: drop the initial count
  if (rsp_.barrier_cpu_count == 0) rsp_.barrier_completion = true;
  if (!rsp_.barrier_completion) {  // wait_for_completion(): this task sleeps
    rsp_.barrier_waiter = cpu.id();
    cpu.schedule();
    cpu.run_until(k_.drain_end, TaskCtx::idle, [this] { return rsp_.barrier_completion; });
    cpu.schedule();
    rsp_.barrier_waiter = -1;
  }
  barrier_trace(cpu, "Inc2", -1, rsp_.barrier_sequence);
  rcu_seq_end(rsp_.barrier_sequence);
  for (rcu_data& r : data_) r.barrier_seq_snap = rsp_.barrier_sequence;
  k_.stats.barrier_latency.add((cpu.now() - start).v);
  rsp_.barrier_mutex = false;
  k_.wake_waiters();  // mutex_unlock(): a CPU waiting for the mutex may go on
}

}  // namespace rcusim::tree

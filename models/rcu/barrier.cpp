#include "models/rcu/barrier.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "models/kernel/kernel.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {

RcuBarrier::RcuBarrier(Kernel& k) : k_(k) {
  for (int i = 0; i < k.machine.cpus; ++i) {
    const Addr h = k.heap.kmalloc(kRcuHeadSize);
    if (!h) throw std::runtime_error("heap.size is too small for per-CPU data");
    heads_.push_back(h);
  }
}

void RcuBarrier::rcu_barrier_func(Cpu& cpu, void* info) {
  auto& b = *static_cast<RcuBarrier*>(info);
  ++b.cpu_count_;  // atomic_inc(&rcu_barrier_cpu_count)
  b.k_.reclaim->call_rcu(cpu, b.heads_[static_cast<std::size_t>(cpu.id())],
                         b.k_.text.rcu_barrier_callback, Path::barrier);
}

void RcuBarrier::rcu_barrier(Cpu& cpu) {
  cpu.fetch(k_.text.rcu_barrier);
  // mutex_lock(&rcu_barrier_mutex): a sleeping lock, so a waiter schedules away.
  if (mutex_held_) {
    cpu.schedule();
    cpu.run_until(k_.drain_end, TaskCtx::idle, [this] { return !mutex_held_; });
    cpu.schedule();
  }
  if (k_.stopped()) return;
  mutex_held_ = true;
  waiter_ = cpu.id();
  const Cycles start = cpu.now();
  ++k_.stats.barrier_calls;
  k_.tp.emit({start.v, cpu.id(), Ev::rcu_barrier, 0, 0, 0, -1, -1, "start"});
  done_ = false;
  cpu_count_ = 0;
  // rcu_read_lock() keeps this CPU from reporting a quiescent state until every CPU has queued.
  cpu.on_each_cpu(rcu_barrier_func, this);
  // wait_for_completion(&rcu_barrier_completion): sleep until the last callback completes.
  cpu.schedule();
  cpu.run_until(k_.drain_end, TaskCtx::idle, [this] { return done_; });
  cpu.schedule();
  const Cycles end = cpu.now();
  k_.stats.barrier_latency.add((end - start).v);
  k_.tp.emit({end.v, cpu.id(), Ev::rcu_barrier, 0, 0, 0, -1, k_.freq.to_ns(end - start), "done"});
  waiter_ = -1;
  mutex_held_ = false;
  k_.wake_waiters();  // mutex_unlock(): a CPU waiting for the mutex may go on
}

void RcuBarrier::callback(Cpu&) {
  if (--cpu_count_ == 0 && !done_) {  // atomic_dec_and_test() -> complete()
    done_ = true;
    if (waiter_ >= 0) k_.cpu(waiter_).kick();
  }
}

}  // namespace rcusim

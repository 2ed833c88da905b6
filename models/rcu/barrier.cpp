#include "models/rcu/barrier.hpp"

#include <fmt/format.h>

#include "models/reclaim/reclaim.hpp"
#include "models/kernel/kernel.hpp"

namespace rcusim {
namespace {

void rcu_barrier_func(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  ++k.barrier.cpu_count;  // atomic_inc(&rcu_barrier_cpu_count)
  call_rcu(cpu, k.barrier.heads[static_cast<std::size_t>(cpu.id())], k.text.rcu_barrier_callback,
           Path::barrier);
}

}  // namespace

void rcu_barrier(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  BarrierState& b = k.barrier;
  cpu.fetch(k.text.rcu_barrier);
  // mutex_lock(&rcu_barrier_mutex): a sleeping lock, so a waiter schedules away.
  if (b.waiter >= 0) {
    cpu.schedule();
    cpu.run_until(k.drain_end, TaskCtx::idle, [&b] { return b.waiter < 0; });
    cpu.schedule();
  }
  if (k.stopped()) return;
  b.waiter = cpu.id();
  const Cycles start = cpu.now();
  ++b.calls;
  k.trace.add({start.v, cpu.id(), Ev::rcu_barrier, 0, 0, 0, -1, -1,
               k.trace.intern("start")});
  k.note(cpu.id(), start, "rcu_barrier() begins: on_each_cpu(rcu_barrier_func)");
  b.done = false;
  b.cpu_count = 0;
  // rcu_read_lock() keeps this CPU from reporting a quiescent state until every CPU has queued.
  cpu.on_each_cpu(rcu_barrier_func);
  // wait_for_completion(&rcu_barrier_completion): sleep until the last callback completes.
  cpu.schedule();
  cpu.run_until(k.drain_end, TaskCtx::idle, [&b] { return b.done; });
  cpu.schedule();
  const Cycles end = cpu.now();
  b.latency.add((end - start).v);
  k.trace.add({end.v, cpu.id(), Ev::rcu_barrier, 0, 0, 0, -1, k.freq.to_ns(end - start),
               k.trace.intern("done")});
  k.note(cpu.id(), end, fmt::format("rcu_barrier() returns after {:.1f} us",
                                    static_cast<double>(k.freq.to_ns(end - start)) / 1e3));
  b.waiter = -1;
  k.fire("barrier_done:" + std::to_string(cpu.id()), end);
}

void rcu_barrier_callback(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  if (--k.barrier.cpu_count == 0 && !k.barrier.done) {  // atomic_dec_and_test() -> complete()
    k.barrier.done = true;
    if (k.barrier.waiter >= 0) k.cpu(k.barrier.waiter).kick();
  }
}

}  // namespace rcusim

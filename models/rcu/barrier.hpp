// rcu_barrier() as in Linux 2.6.27 (kernel/rcupdate.c): take rcu_barrier_mutex, set the count
// to 0, and under rcu_read_lock() on_each_cpu(rcu_barrier_func), which increments the count and
// call_rcu()s the CPU's rcu_barrier_head with rcu_barrier_callback; then wait_for_completion().
// The last callback to run completes it. It pays a full grace period plus the slowest CPU's
// backlog, because each barrier callback queues behind everything already on that CPU.
#pragma once

namespace rcusim {

class Cpu;

void rcu_barrier(Cpu& cpu);
// The callback, dispatched by __rcu_reclaim() when it finds rcu_barrier_callback's address.
void rcu_barrier_callback(Cpu& cpu);

}  // namespace rcusim

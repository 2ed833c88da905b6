// rcu_barrier() as in Linux 2.6.27 (kernel/rcupdate.c): take rcu_barrier_mutex, set the count
// to 0, and under rcu_read_lock() on_each_cpu(rcu_barrier_func), which increments the count and
// call_rcu()s the CPU's rcu_barrier_head with rcu_barrier_callback; then wait_for_completion().
// The last callback to run completes it. It pays a full grace period plus the slowest CPU's
// backlog, because each barrier callback queues behind everything already on that CPU.
#pragma once
#include <vector>

#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;
class Kernel;

class RcuBarrier {
 public:
  explicit RcuBarrier(Kernel& k);  // DEFINE_PER_CPU(struct rcu_head, rcu_barrier_head)
  void rcu_barrier(Cpu& cpu);
  void callback(Cpu& cpu);  // rcu_barrier_callback()

 private:
  static void rcu_barrier_func(Cpu& cpu, void* info);
  Kernel& k_;
  bool mutex_held_ = false;  // rcu_barrier_mutex: one barrier at a time
  long cpu_count_ = 0;       // rcu_barrier_cpu_count
  bool done_ = true;         // rcu_barrier_completion
  int waiter_ = -1;
  std::vector<Addr> heads_;
};

}  // namespace rcusim

// The RCU implementation a CPU calls into: the scheduling-clock tick, the RCU softirq, context
// switches, call_rcu() and rcu_barrier(). Each flavour is a row of models/rcu/flavors.cpp's table
// and is built from the Kernel's services and the [rcu] section.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>

#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;

class RcuFlavor {
 public:
  virtual ~RcuFlavor() = default;
  virtual std::string_view name() const = 0;
  // Starts the flavour's kthreads (Tree RCU's grace-period kthread) through
  // Kernel::spawn_kthread(), once the CPUs' actors exist.
  virtual void start_kthreads() {}
  // call_rcu() with head->func already holding `func` (a function address or an encoded offset).
  virtual void call_rcu(Cpu& cpu, Addr head, std::uint64_t func) = 0;
  virtual void qsctr_inc(Cpu& cpu) = 0;                   // a quiescent state (context switch)
  virtual bool pending(Cpu& cpu) = 0;                     // rcu_pending()
  virtual bool needs_cpu(Cpu& cpu) = 0;                   // rcu_needs_cpu(), for NO_HZ
  virtual void check_callbacks(Cpu& cpu, bool user) = 0;  // from the tick, when pending()
  virtual void process_callbacks(Cpu& cpu) = 0;           // the RCU_SOFTIRQ handler
  // rcu_barrier(): returns once every callback queued before it has been invoked.
  virtual void rcu_barrier(Cpu& cpu) = 0;
  // rcu_barrier_callback(), dispatched by __rcu_reclaim() when it finds its address.
  virtual void barrier_callback(Cpu& cpu, Addr head) = 0;

  // get_state_synchronize_rcu() / poll_state_synchronize_rcu() (kernel/rcu/tree.c, v5.12 on): a
  // cookie, and whether a full grace period has elapsed since it was taken. Neither starts one.
  virtual std::uint64_t get_state_synchronize_rcu() const = 0;
  virtual bool poll_state_synchronize_rcu(std::uint64_t cookie) const = 0;

  virtual std::int64_t qlen(int cpu) const = 0;   // callbacks queued on a CPU, not yet invoked
  virtual std::int64_t qlen_total() const = 0;    // the same over all CPUs
  virtual std::int64_t completed() const = 0;     // last completed grace period (batch) number
  virtual std::string_view gp_state() const = 0;  // the grace-period machine's state, by name
  // Every rcu_head still queued on `cpu`, in list order (for the end-of-run audit).
  virtual void for_each_queued(int cpu, const std::function<void(Addr)>& f) const = 0;
};

}  // namespace rcusim

// The RCU implementation a CPU calls into. One flavor per file: classic.cpp is Linux 2.6.27's
// kernel/rcuclassic.c; busted.cpp ends grace periods too early, so tests can prove that the
// simulator catches a broken RCU (as rcutorture's rcu_busted_ops does).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;
class Kernel;

class RcuFlavor {
 public:
  virtual ~RcuFlavor() = default;
  virtual std::string_view name() const = 0;
  // call_rcu() with head->func already holding `func` (a function address or an encoded offset).
  virtual void call_rcu(Cpu& cpu, Addr head, std::uint64_t func) = 0;
  virtual void qsctr_inc(Cpu& cpu) = 0;             // rcu_qsctr_inc(): a quiescent state
  virtual bool pending(Cpu& cpu) = 0;               // rcu_pending()
  virtual bool needs_cpu(Cpu& cpu) = 0;             // rcu_needs_cpu(), for NO_HZ
  virtual void check_callbacks(Cpu& cpu, bool user) = 0;  // rcu_check_callbacks() from the tick
  virtual void process_callbacks(Cpu& cpu) = 0;     // the RCU_SOFTIRQ handler
  virtual std::int64_t qlen(int cpu) const = 0;     // callbacks queued on a CPU, not yet invoked
  virtual std::int64_t qlen_total() const = 0;      // the same over all CPUs
  virtual std::int64_t completed() const = 0;       // last completed grace period (batch) number
  virtual std::string_view gp_state() const = 0;    // the grace-period machine's state, by name
  // Every rcu_head still queued on `cpu`, in list order (for the end-of-run audit).
  virtual void for_each_queued(int cpu, const std::function<void(Addr)>& f) const = 0;
};

std::unique_ptr<RcuFlavor> make_flavor(std::string_view name, Kernel& k);

}  // namespace rcusim

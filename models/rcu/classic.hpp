// Classic RCU as in Linux 2.6.27 (kernel/rcuclassic.c, include/linux/rcuclassic.h), rcu flavor
// only (rcu_bh is not modelled). Callback lists are linked through rcu_head.next in the
// simulated heap's bytes, as in the kernel; nxttail/curtail/donetail become the address of the
// last rcu_head (0 = the list head itself).
#pragma once
#include <string_view>
#include <vector>

#include "models/kernel/cpu.hpp"
#include "models/rcu/barrier.hpp"
#include "models/rcu/config.hpp"
#include "models/rcu/flavor.hpp"

namespace rcusim {

struct rcu_list {
  Addr head = 0;
  Addr tail = 0;  // last rcu_head on the list, 0 when empty
  bool empty() const { return head == 0; }
};

// The grace-period machine of rcu_ctrlblk, named as a state for the trace and for tests.
enum class GpState : std::uint8_t {
  idle,     // completed == cur, nothing pending
  wait_qs,  // batch cur started: waiting for every CPU in cpumask to pass a quiescent state
};
std::string_view to_string(GpState s);

struct rcu_ctrlblk {
  long cur = -300;  // both start near wrap-around, as in the kernel
  long completed = -300;
  int next_pending = 0;
  int signaled = 0;
  SimLock lock;
  std::vector<std::uint8_t> cpumask;
  int cpumask_weight = 0;
  Cycles gp_start{0};
  GpState state() const { return cur == completed ? GpState::idle : GpState::wait_qs; }
};

struct rcu_data {
  long quiescbatch = 0;
  int passed_quiesc = 0;
  int qs_pending = 0;
  long batch = 0;
  rcu_list nxtlist, curlist, donelist;
  long qlen = 0;
  long blimit = 10;
  int cpu = 0;
};

class ClassicRcu : public RcuFlavor {
 public:
  ClassicRcu(Kernel& k, const RcuConfig& cfg);
  std::string_view name() const override { return "classic"; }
  void call_rcu(Cpu& cpu, Addr head, std::uint64_t func) override;
  void qsctr_inc(Cpu& cpu) override { rdp(cpu).passed_quiesc = 1; }
  bool pending(Cpu& cpu) override;
  bool needs_cpu(Cpu& cpu) override;
  void check_callbacks(Cpu& cpu, bool user) override;
  void process_callbacks(Cpu& cpu) override;
  void rcu_barrier(Cpu& cpu) override { barrier_.rcu_barrier(cpu); }
  void barrier_callback(Cpu& cpu, Addr) override { barrier_.callback(cpu); }
  // The batch that must complete: one that starts after now, i.e. cur + 1 whether or not a batch
  // is in progress (the same rule as rcu_seq_snap()).
  std::uint64_t get_state_synchronize_rcu() const override {
    return static_cast<std::uint64_t>(rcp_.cur + 1);
  }
  bool poll_state_synchronize_rcu(std::uint64_t cookie) const override {
    return rcp_.completed - static_cast<long>(cookie) >= 0;
  }
  std::int64_t qlen(int cpu) const override { return data_[static_cast<std::size_t>(cpu)].qlen; }
  std::int64_t qlen_total() const override { return qlen_total_; }
  std::int64_t completed() const override { return rcp_.completed; }
  std::string_view gp_state() const override { return to_string(rcp_.state()); }
  void for_each_queued(int cpu, const std::function<void(Addr)>& f) const override;
  const rcu_ctrlblk& ctrlblk() const { return rcp_; }
  const rcu_data& data(int cpu) const { return data_[static_cast<std::size_t>(cpu)]; }

 protected:
  // Which CPUs a new batch waits for: online & ~nohz_cpu_mask. The busted flavor lies here.
  virtual void fill_cpumask(Cpu& cpu);
  rcu_ctrlblk rcp_;
  Kernel& k_;
  const RcuConfig& cfg_;

 private:
  rcu_data& rdp(Cpu& cpu) { return data_[static_cast<std::size_t>(cpu.id())]; }
  void append(rcu_list& to, const rcu_list& from);
  void start_batch(Cpu& cpu);
  void cpu_quiet(Cpu& cpu);
  void check_quiescent_state(Cpu& cpu, rcu_data& r);
  void force_quiescent_state(Cpu& cpu, rcu_data& r);
  void do_batch(Cpu& cpu, rcu_data& r);
  Addr read_next(Cpu& cpu, Addr list);
  void prefetch_next(Cpu& cpu, Addr next);
  void prefetch_next_meta(Addr next);
  std::vector<rcu_data> data_;
  RcuBarrier barrier_;
  std::int64_t qlen_total_ = 0;
};

}  // namespace rcusim

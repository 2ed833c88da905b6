// Tree RCU as Linux v6.6 runs it (kernel/rcu/tree.c, tree.h, tree_plugin.h for
// CONFIG_PREEMPT_RCU=n), without expedited grace periods, callback offloading, lazy callbacks
// or CPU hotplug: one rcu_state, the rcu_node tree breadth first (geometry.hpp), one rcu_data
// per CPU whose callbacks sit in an rcu_segcblist over the heap's rcu_head words, and the
// grace-period kthread (rcu_gp_kthread()) as its own actor bound to rcu.gp_kthread_cpu.
//
// Execution contexts: a CPU's own code (tick, softirq, context switch, call_rcu()) runs on its
// Cpu; the kthread runs on a Cpu of its own with the bound CPU's id (that CPU's caches, and
// this_cpu_ptr(&rcu_data) is that CPU's rdp), reporting its cycles to it (Cpu::kthread_ran()).
#pragma once
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "models/kernel/cpu.hpp"
#include "models/rcu/config.hpp"
#include "models/rcu/flavor.hpp"
#include "models/rcu/tree/state.hpp"
#include "sim/base/tracepoint.hpp"

namespace rcusim::tree {

class TreeRcu : public RcuFlavor {
 public:
  TreeRcu(Kernel& k, const RcuConfig& cfg);
  ~TreeRcu() override;
  std::string_view name() const override { return "tree"; }
  void start_kthreads() override;
  void call_rcu(Cpu& cpu, Addr head, std::uint64_t func) override;
  void qsctr_inc(Cpu& cpu) override { rcu_note_context_switch(cpu); }
  bool pending(Cpu&) override { return true; }  // the tick calls rcu_sched_clock_irq() always
  bool needs_cpu(Cpu& cpu) override { return !rcu_segcblist_empty(rdp(cpu).cblist); }
  void check_callbacks(Cpu& cpu, bool user) override { rcu_sched_clock_irq(cpu, user); }
  void process_callbacks(Cpu& cpu) override { rcu_core(cpu); }
  void rcu_barrier(Cpu& cpu) override;
  void barrier_callback(Cpu& cpu, Addr head) override;
  std::uint64_t get_state_synchronize_rcu() const override;
  bool poll_state_synchronize_rcu(std::uint64_t cookie) const override;
  std::int64_t qlen(int cpu) const override {
    return data_[static_cast<std::size_t>(cpu)].cblist.len;
  }
  std::int64_t qlen_total() const override { return qlen_total_; }
  std::int64_t completed() const override;
  std::string_view gp_state() const override { return gp_state_name(rsp_.gp_state); }
  void for_each_queued(int cpu, const std::function<void(Addr)>& f) const override;
  const rcu_state& state() const { return rsp_; }
  const rcu_data& data(int cpu) const { return data_[static_cast<std::size_t>(cpu)]; }

 protected:
  // rcu_report_qs_rnp()'s clearing of reported bits; the busted flavour clears too many.
  virtual void clear_qs(rcu_node& rnp, std::uint64_t mask) { rnp.qsmask &= ~mask; }
  rcu_state rsp_;
  Kernel& k_;
  const RcuConfig& cfg_;

 private:
  rcu_data& rdp(const Cpu& cpu) { return data_[static_cast<std::size_t>(cpu.id())]; }
  rcu_node& root() { return rsp_.node[0]; }
  rcu_node& mynode(const rcu_data& r) { return rsp_.node[static_cast<std::size_t>(r.mynode)]; }
  bool is_leaf(const rcu_node& n) const { return n.level == rsp_.geo.rcu_num_lvls - 1; }
  bool rcu_gp_in_progress() const { return rcu_seq_state(rcu_seq_current(rsp_.gp_seq)) != 0; }
  long jiffies(const Cpu& cpu) const { return cpu.now().v / period_.v; }
  void lock(Cpu& cpu, rcu_node& n) { cpu.spin_lock(n.lock); }  // raw_spin_lock_rcu_node()
  void unlock(Cpu& cpu, rcu_node& n);                          // ... and its critical section
  void trace(const Cpu& cpu, std::uint64_t gp, std::string_view what) const;
  void trace_node(const Cpu& cpu, Ev ev, const rcu_node& n, std::uint64_t mask) const;

  // core.cpp: the CPU side
  void rcu_sched_clock_irq(Cpu& cpu, bool user);
  bool rcu_pending(Cpu& cpu);
  void rcu_qs(Cpu& cpu);
  void rcu_note_context_switch(Cpu& cpu);
  void rcu_core(Cpu& cpu);
  void rcu_check_quiescent_state(Cpu& cpu, rcu_data& r);
  void note_gp_changes(Cpu& cpu, rcu_data& r);
  bool note_gp_changes_locked(Cpu& cpu, rcu_node& rnp, rcu_data& r);  // __note_gp_changes()
  void rcu_gpnum_ovf(const rcu_node& rnp, rcu_data& r);
  void rcu_report_qs_rdp(Cpu& cpu, rcu_data& r);
  void rcu_report_qs_rnp(Cpu& cpu, std::uint64_t mask, rcu_node* rnp, std::uint64_t gps);
  void rcu_report_qs_rsp(Cpu& cpu);
  void rcu_disable_urgency_upon_qs(rcu_data& r);
  // callbacks.cpp: queueing and the grace-period requests it makes
  void call_rcu_core(Cpu& cpu, rcu_data& r, Addr head);  // __call_rcu_core()
  void check_cb_ovld(Cpu& cpu, rcu_data& r);
  void check_cb_ovld_locked(rcu_data& r, rcu_node& rnp);
  bool rcu_accelerate_cbs(Cpu& cpu, rcu_node& rnp, rcu_data& r);
  void rcu_accelerate_cbs_unlocked(Cpu& cpu, rcu_node& rnp, rcu_data& r);
  bool rcu_advance_cbs(Cpu& cpu, rcu_node& rnp, rcu_data& r);
  bool rcu_start_this_gp(Cpu& cpu, rcu_node& rnp_start, rcu_data& r, std::uint64_t gp_seq_req);
  void rcu_gp_kthread_wake(Cpu& cpu);
  // do_batch.cpp
  void rcu_do_batch(Cpu& cpu, rcu_data& r);
  // gp_kthread.cpp: the grace-period kthread
  void rcu_gp_kthread();
  bool rcu_gp_init();
  void rcu_gp_cleanup();
  bool rcu_future_gp_cleanup(rcu_node& rnp);
  bool kthread_sleep(const std::function<bool()>& cond, Cycles deadline);
  bool kthread_over() const;
  // fqs.cpp
  void rcu_gp_fqs_loop();
  bool rcu_gp_fqs_check_wake(unsigned& gf);
  void rcu_gp_fqs(bool first_time);
  template <class F>
  void force_qs_rnp(F f);
  void rcu_fqs_dti(rcu_data& r);
  bool dyntick_save_progress_counter(rcu_data& r);
  bool rcu_implicit_dynticks_qs(rcu_data& r);
  void rcu_force_quiescent_state(Cpu& cpu);
  // barrier.cpp
  static void rcu_barrier_handler(Cpu& cpu, void* info);
  void rcu_barrier_entrain(Cpu& cpu, rcu_data& r);
  void barrier_trace(const Cpu& cpu, std::string_view what, int cpu_arg, std::uint64_t done) const;

  std::vector<rcu_data> data_;
  std::unique_ptr<Cpu> kt_;  // the grace-period kthread's execution context
  Cycles burst_start_{0};    // when the kthread last woke
  Cycles period_;            // one jiffy
  long hz_;
  long jiffies_till_first_fqs_, jiffies_till_next_fqs_, jiffies_to_sched_qs_;
  long qovld_calc_;
  Cycles rcu_resched_{0};  // rcu_resched_ns, clamped, in cycles
  std::int64_t qlen_total_ = 0;
};

}  // namespace rcusim::tree

// Tree RCU's state: rcu_state, rcu_node and rcu_data as kernel/rcu/tree.h (Linux v6.6) declares
// them, with the fields the model uses, and the constants of kernel/rcu/tree.c they go with.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "models/kernel/cpu.hpp"
#include "models/rcu/tree/geometry.hpp"
#include "models/rcu/tree/gp_seq.hpp"
#include "models/rcu/tree/segcblist.hpp"

namespace rcusim::tree {

// rcu_state.gp_flags (kernel/rcu/tree.h).
inline constexpr unsigned RCU_GP_FLAG_INIT = 0x1;  // a grace period is needed
inline constexpr unsigned RCU_GP_FLAG_FQS = 0x2;   // force quiescent states now
inline constexpr unsigned RCU_GP_FLAG_OVLD = 0x4;  // callback overload: hurry the FQS scans

// rcu_state.gp_state, and its names as gp_state_getname() prints them.
enum RcuGpState : int {
  RCU_GP_IDLE,
  RCU_GP_WAIT_GPS,
  RCU_GP_DONE_GPS,
  RCU_GP_ONOFF,
  RCU_GP_INIT,
  RCU_GP_WAIT_FQS,
  RCU_GP_DOING_FQS,
  RCU_GP_CLEANUP,
  RCU_GP_CLEANED,
};
std::string_view gp_state_name(int s);

inline constexpr long DEFAULT_MAX_RCU_BLIMIT = 10000;  // blimit during a callback flood
inline constexpr long RCU_JIFFIES_FQS_DIV = 256;       // one more FQS jiffy per 256 CPUs
inline constexpr long RCU_CPU_STALL_TIMEOUT = 21;      // CONFIG_RCU_CPU_STALL_TIMEOUT, seconds

// rcu_do_batch()'s limit for one call: max(blimit, ready callbacks >> rcu_divisor), the divisor
// clamped as the kernel clamps it.
long rcu_do_batch_limit(long blimit, long ready, long rcu_divisor);

struct rcu_node : rcu_node_geometry {
  explicit rcu_node(const rcu_node_geometry& g) : rcu_node_geometry(g) {}
  SimLock lock;  // rnp->lock
  std::uint64_t gp_seq = kRcuGpSeqInit;
  std::uint64_t gp_seq_needed = kRcuGpSeqInit;
  std::uint64_t completedqs = kRcuGpSeqInit;
  std::uint64_t qsmask = 0;      // CPUs or groups this grace period still waits for
  std::uint64_t cbovldmask = 0;  // CPUs with more than qovld callbacks
  bool fqslock = false;          // rnp->fqslock, only ever trylocked
};

struct rcu_data {
  std::uint64_t gp_seq = kRcuGpSeqInit;
  std::uint64_t gp_seq_needed = kRcuGpSeqInit;
  bool cpu_no_qs_norm = true;  // cpu_no_qs.b.norm: no quiescent state yet in this grace period
  bool core_needs_qs = false;  // the grace period waits for this CPU
  bool gpwrap = true;          // as the kernel boots it: re-read everything on first notice
  rcu_segcblist cblist;
  long qlen_last_fqs_check = 0;
  unsigned long n_force_qs_snap = 0;
  long blimit = 10;
  std::uint64_t dynticks_snap = 0;
  bool rcu_urgent_qs = false;
  bool rcu_need_heavy_qs = false;
  long last_fqs_resched = 0;  // jiffies
  int mynode = 0;             // index into rcu_state.node
  std::uint64_t grpmask = 0;
  int cpu = 0;
  Addr barrier_head = 0;
  std::uint64_t barrier_seq_snap = 0;
};

struct rcu_state {
  rcu_geometry geo;
  std::vector<rcu_node> node;  // breadth first: node[0] is the root
  std::uint64_t gp_seq = kRcuGpSeqInit;
  std::uint64_t gp_seq_polled = 0;
  std::uint64_t gp_seq_polled_snap = 0;
  unsigned gp_flags = 0;
  int gp_state = RCU_GP_IDLE;
  long gp_start = 0;  // jiffies
  long jiffies_force_qs = 0;
  long jiffies_resched = 0;
  unsigned long n_force_qs = 0;
  bool cbovld = false, cbovldnext = false;
  Cycles gp_start_cycles{0};  // for the grace-period latency figure
  // rcu_barrier()
  bool barrier_mutex = false;
  SimLock barrier_lock;
  std::uint64_t barrier_sequence = 0;
  long barrier_cpu_count = 0;
  bool barrier_completion = true;
  int barrier_waiter = -1;
};

}  // namespace rcusim::tree

// The grace-period kthread's forcing loop: rcu_gp_fqs_loop() and its wake-up condition
// rcu_gp_fqs_check_wake(). kernel/rcu/tree.c, Linux v6.6.
#include <algorithm>

#include "models/kernel/jiffies.hpp"
#include "models/kernel/kernel.hpp"
#include "models/rcu/tree/tree.hpp"

namespace rcusim::tree {

// rcu_gp_fqs_check_wake(): overload, a requested FQS, or the grace period has ended.
bool TreeRcu::rcu_gp_fqs_check_wake(unsigned& gf) {
  if (gf & RCU_GP_FLAG_OVLD) return true;
  gf = rsp_.gp_flags;
  if (gf & RCU_GP_FLAG_FQS) return true;
  return root().qsmask == 0;
}

// rcu_gp_fqs_loop(): wait jiffies_till_first_fqs, force quiescent states, then every
// jiffies_till_next_fqs (a third of it under callback overload), until the root's qsmask is empty.
void TreeRcu::rcu_gp_fqs_loop() {
  Cpu& kt = *kt_;
  bool first_gp_fqs = true;
  unsigned gf = rsp_.cbovld ? RCU_GP_FLAG_OVLD : 0;
  long j = jiffies_till_first_fqs_;
  bool ret = false;
  for (;;) {
    if (rsp_.cbovld) j = std::max<long>((j + 2) / 3, 1);
    if (!ret || time_before(jiffies(kt) + j, rsp_.jiffies_force_qs))
      rsp_.jiffies_force_qs = jiffies(kt) + j;
    trace(kt, rsp_.gp_seq, "fqswait");
    rsp_.gp_state = RCU_GP_WAIT_FQS;
    // The timeout expires at the tick that makes jiffies reach jiffies + j.
    const Cycles deadline{(jiffies(kt) + j) * period_.v};
    if (!kthread_sleep([this, &gf] { return rcu_gp_fqs_check_wake(gf); }, deadline)) return;
    rsp_.gp_state = RCU_GP_DOING_FQS;
    if (!root().qsmask) break;  // the grace period has ended
    if (!time_after(rsp_.jiffies_force_qs, jiffies(kt)) ||
        (gf & (RCU_GP_FLAG_FQS | RCU_GP_FLAG_OVLD))) {
      trace(kt, rsp_.gp_seq, "fqsstart");
      rcu_gp_fqs(first_gp_fqs);
      gf = 0;
      if (first_gp_fqs) {
        first_gp_fqs = false;
        gf = rsp_.cbovld ? RCU_GP_FLAG_OVLD : 0;
      }
      trace(kt, rsp_.gp_seq, "fqsend");
      ret = false;  // Force full wait till next FQS.
      j = jiffies_till_next_fqs_;
    } else {  // a stray wake-up: keep the old FQS timing
      trace(kt, rsp_.gp_seq, "fqswaitsig");
      ret = true;
      j = time_after(jiffies(kt), rsp_.jiffies_force_qs) ? 1 : rsp_.jiffies_force_qs - jiffies(kt);
      gf = 0;
    }
  }
}

}  // namespace rcusim::tree

// The [rcu] section: which flavour (a row of models/rcu/flavors.hpp's table) and its tunables,
// under the kernel's boot-parameter names. blimit, qhimark and qlowmark are both flavours'
// (kernel/rcuclassic.c, 2.6.27; kernel/rcu/tree.c, v6.6); the others are Tree RCU's only
// (rcutree.*, v6.6 defaults) and the classic flavour ignores them.
#pragma once
#include <cstdint>
#include <string>

#include "models/rcu/flavors.hpp"
#include "sim/base/plugin.hpp"
#include "sim/base/spec.hpp"

namespace rcusim {

struct RcuConfig {
  std::string flavor = "classic";
  std::int64_t blimit = 10;
  std::int64_t qhimark = 10000;
  std::int64_t qlowmark = 100;
  std::int64_t qovld = 20000;  // -1: 2 * qhimark (qovld_calc)
  std::int64_t rcu_divisor = 7;
  std::int64_t rcu_resched_ns = 3'000'000;
  std::int64_t jiffies_till_first_fqs = -1;  // -1: RCU_JIFFIES_TILL_FORCE_QS + nr_cpu_ids / 256
  std::int64_t jiffies_till_next_fqs = -1;
  std::int64_t rcu_fanout_leaf = 16;  // CONFIG_RCU_FANOUT_LEAF
  std::int64_t gp_kthread_cpu = 0;
  // Parts of Tree RCU the model leaves out; a scenario that sets one is refused.
  bool preempt = false, nocb = false, lazy = false, expedited = false;

  template <class V>
  void visit(V& v) {
    static const std::string doc = doc_of(rcu_flavors(), "the RCU implementation");
    v("flavor", flavor, Spec{.choices = names_of(rcu_flavors()), .doc = doc});
    v("blimit", blimit, Spec{1, 1e9, {}, "callbacks invoked per rcu_do_batch() call"});
    v("qhimark", qhimark, Spec{1, 1e9, {}, "qlen above which call_rcu() forces quiescent states"});
    v("qlowmark", qlowmark, Spec{0, 1e9, {}, "qlen at which blimit is restored"});
    v("qovld", qovld,
      Spec{-1,
           1e9,
           {},
           "tree only: qlen that marks a CPU overloaded (cbovldmask), "
           "shortening the FQS waits; -1 = 2 * qhimark"});
    v("rcu_divisor", rcu_divisor,
      Spec{0, 62, {}, "tree only: rcu_do_batch() invokes max(blimit, ready >> rcu_divisor)"});
    v("rcu_resched_ns", rcu_resched_ns,
      Spec{0,
           1e12,
           {},
           "tree only: ns after which rcu_do_batch() leaves the softirq when its "
           "limit exceeds 100 (clamped to 1 ms .. 1 s)"});
    v("jiffies_till_first_fqs", jiffies_till_first_fqs,
      Spec{-1,
           1e9,
           {},
           "tree only: jiffies from grace-period start to the first forcing of "
           "quiescent states; -1 = 1 + (HZ > 250) + (HZ > 500) + cpus / 256"});
    v("jiffies_till_next_fqs", jiffies_till_next_fqs,
      Spec{-1, 1e9, {}, "tree only: jiffies between later forcings; -1 as for the first"});
    v("rcu_fanout_leaf", rcu_fanout_leaf,
      Spec{2, 64, {}, "tree only: CPUs per leaf rcu_node (the tree's shape)"});
    v("gp_kthread_cpu", gp_kthread_cpu,
      Spec{0, 4095, {}, "tree only: the CPU the grace-period kthread is bound to and runs on"});
    v("preempt", preempt,
      Spec{.doc = "preemptible RCU (CONFIG_PREEMPT_RCU): not modelled, true is refused"});
    v("nocb", nocb, Spec{.doc = "callback offloading (rcu_nocbs): not modelled, true is refused"});
    v("lazy", lazy, Spec{.doc = "lazy callbacks (CONFIG_RCU_LAZY): not modelled, true is refused"});
    v("expedited", expedited,
      Spec{.doc = "expedited grace periods (rcu_expedited): not modelled, true is refused"});
  }
};

}  // namespace rcusim

// Grace-period event sequences derived by hand from the kernel sources, against events.csv of
// tests/scenarios/gp_sequence.toml: one kfree_rcu() on CPU 1 (user mode from 1.1 ms) of an idle
// 4-CPU machine at HZ=1000, CPUs 0, 2, 3 idle with stopped ticks, CPU c ticking at
// c * 250 us + n ms.
// Times are where the derivation puts each event, within a few microseconds of instruction costs.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/sim_run.hpp"

using namespace rcusim::test;

namespace {

struct Row {
  double us;  // expected time
  int cpu;
  std::string event, gp, detail, node;  // node: "level grplo grphi mask qsmask" or ""
};

const char* kGpEvents[] = {
    "rcu_grace_period", "rcu_grace_period_init", "rcu_quiescent_state_report",
    "rcu_fqs",          "rcu_donelist",          "rcu_invoke_kvfree_callback"};

std::vector<std::map<std::string, std::string>> gp_events(const Run& r) {
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& e : events(r))
    for (const char* name : kGpEvents)
      if (e.at("event") == name) out.push_back(e);
  return out;
}

void check_sequence(const Run& r, const std::vector<Row>& want) {
  const auto got = gp_events(r);
  CHECK(got.size() == want.size());
  for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    const auto& g = got[i];
    const Row& w = want[i];
    CAPTURE(i);
    CAPTURE(g.at("time_ns"));
    CAPTURE(g.at("event"));
    CHECK(std::abs(std::stod(g.at("time_ns")) / 1000.0 - w.us) < 5.0);
    CHECK(std::stoi(g.at("cpu")) == w.cpu);
    CHECK(g.at("event") == w.event);
    CHECK(g.at("gp") == w.gp);
    // rcu_fqs names the CPU it credits in `count`; others' detail is the tracepoint's string.
    const std::string detail =
        w.event == "rcu_fqs" ? g.at("count") + " " + g.at("detail") : g.at("detail");
    CHECK(detail == w.detail);
    const std::string node = g.at("level").empty()
                                 ? ""
                                 : g.at("level") + " " + g.at("grplo") + " " + g.at("grphi") + " " +
                                       g.at("mask") + " " + g.at("qsmask");
    CHECK(node == w.node);
  }
}

}  // namespace

TEST_CASE("gp sequence: Tree RCU (kernel/rcu/tree.c, v6.6) on the hand-derived steps") {
  const Run r = run_cli("run tests/scenarios/gp_sequence.toml --set rcu.flavor=tree", "seq-tree");
  REQUIRE(r.exit_code == 0);
  // rcu_state.gp_seq starts at (0 - 300) << 2, printed -1200; every rcu_data and rcu_node too,
  // and every rcu_data boots with gpwrap = true and cpu_no_qs.b.norm = true.
  check_sequence(
      r,
      {
          // rcu_gp_kthread() on CPU 0 (rcu.gp_kthread_cpu): "reqwait", sleeps for RCU_GP_FLAG_INIT.
          {0, 0, "rcu_grace_period", "-1200", "\"reqwait\"", ""},
          // Each CPU's first schedule() into its idle task (CPU 1's script waits idle too):
          // rcu_note_context_switch() -> rcu_qs(): cpu_no_qs was set, so "cpuqs" for gp_seq -1200.
          // Their first idle ticks find no callbacks and stop (rcu_needs_cpu() is false).
          {0.67, 0, "rcu_grace_period", "-1200", "\"cpuqs\"", ""},
          {0.67, 1, "rcu_grace_period", "-1200", "\"cpuqs\"", ""},
          {0.67, 2, "rcu_grace_period", "-1200", "\"cpuqs\"", ""},
          {0.67, 3, "rcu_grace_period", "-1200", "\"cpuqs\"", ""},
          // 1.1 ms: CPU 1 queues the callback on RCU_NEXT_TAIL (no grace period requested yet). Its
          // tick at 1.25 ms (user): rcu_pending() sees no grace period in progress and callbacks
          // not yet assigned one -> RCU_SOFTIRQ -> rcu_core(): note_gp_changes() finds nothing
          // (gpwrap still set), then rcu_accelerate_cbs_unlocked(): gpwrap, so under the leaf's
          // lock rcu_accelerate_cbs() assigns rcu_seq_snap(-1200) = -1196 and
          // rcu_start_this_gp(-1196) marks the root (= the only leaf), sets RCU_GP_FLAG_INIT:
          // "newreq" with rcu_state.gp_seq; then "AccWaitCB" with -1196 (nothing after
          // RCU_WAIT_TAIL); the kthread is woken.
          {1250.6, 1, "rcu_grace_period", "-1200", "\"newreq\"", ""},
          {1250.6, 1, "rcu_grace_period", "-1196", "\"AccWaitCB\"", ""},
          // rcu_gp_init(): rcu_seq_start() -> -1199, "start". Breadth first over the one node:
          // qsmask = qsmaskinit = 0xf, gp_seq = -1199; it is CPU 0's leaf, so __note_gp_changes()
          // for CPU 0: gpwrap -> the end branch ("cpuend" for its old -1200), then "cpustart" -1199
          // and CPU 0 needs a QS; then rcu_grace_period_init (level 0, CPUs 0-3, qsmask 0xf).
          {1251.3, 0, "rcu_grace_period", "-1199", "\"start\"", ""},
          {1251.4, 0, "rcu_grace_period", "-1200", "\"cpuend\"", ""},
          {1251.4, 0, "rcu_grace_period", "-1199", "\"cpustart\"", ""},
          {1251.4, 0, "rcu_grace_period_init", "-1199", "", "0 0 3 0x0 0xf"},
          // rcu_gp_fqs_loop(): jiffies_till_first_fqs = 1 + (HZ > 250) + (HZ > 500) + 4 / 256 = 3:
          // sleeps until jiffy 1 + 3, i.e. 4 ms.
          {1251.4, 0, "rcu_grace_period", "-1199", "\"fqswait\"", ""},
          // CPU 1's tick at 2.25 ms: its leaf moved to -1199 -> rcu_core() -> __note_gp_changes():
          // gpwrap again takes the end branch: rcu_advance_cbs() (nothing done yet) accelerates to
          // rcu_seq_snap(-1199) = -1192, no earlier than the -1196 its callback has ("AccWaitCB"
          // -1192), "cpuend" -1200; then "cpustart" -1199 and cpu_no_qs.b.norm = true. This tick's
          // rcu_qs() ran before, for the old grace period.
          {2250.6, 1, "rcu_grace_period", "-1192", "\"AccWaitCB\"", ""},
          {2250.6, 1, "rcu_grace_period", "-1200", "\"cpuend\"", ""},
          {2250.6, 1, "rcu_grace_period", "-1199", "\"cpustart\"", ""},
          // Its tick at 3.25 ms (user): rcu_qs() -> "cpuqs" -1199; rcu_pending(): a QS to report ->
          // rcu_core() -> rcu_report_qs_rdp(): under the leaf's lock rcu_accelerate_cbs() (again
          // "AccWaitCB" -1192), rcu_report_qs_rnp(0x2): qsmask 0xf -> 0xd, not empty: stop.
          {3250.5, 1, "rcu_grace_period", "-1199", "\"cpuqs\"", ""},
          {3250.6, 1, "rcu_grace_period", "-1192", "\"AccWaitCB\"", ""},
          {3250.6, 1, "rcu_quiescent_state_report", "-1199", "", "0 0 3 0x2 0xd"},
          // 4 ms: the kthread's timeout; jiffies_force_qs has come: "fqsstart", rcu_gp_fqs(true):
          // force_qs_rnp(dyntick_save_progress_counter) over the leaf's holdouts 0, 2, 3: all idle
          // (->dynticks even), so "dti" for each (gp = that CPU's rdp->gp_seq: CPUs 2 and 3 never
          // saw the grace period), reported together: rcu_report_qs_rnp(0xd) empties the root ->
          // rcu_report_qs_rsp() sets RCU_GP_FLAG_FQS (no self-wake), cleared again; "fqsend".
          {4000.7, 0, "rcu_grace_period", "-1199", "\"fqsstart\"", ""},
          {4000.7, 0, "rcu_fqs", "-1199", "0 \"dti\"", ""},
          {4000.7, 0, "rcu_fqs", "-1200", "2 \"dti\"", ""},
          {4000.8, 0, "rcu_fqs", "-1200", "3 \"dti\"", ""},
          {4000.8, 0, "rcu_quiescent_state_report", "-1199", "", "0 0 3 0xd 0x0"},
          {4000.8, 0, "rcu_grace_period", "-1199", "\"fqsend\"", ""},
          // Next loop: "fqswait", but rcu_gp_fqs_check_wake() is already true (qsmask 0): no sleep,
          // leave the loop. rcu_gp_cleanup(): the node gets -1196; CPU 0's __note_gp_changes():
          // "cpuend" -1199; then "end" -1199 and rcu_seq_end() -> -1196; nothing more requested:
          // back to "reqwait" with -1196.
          {4000.8, 0, "rcu_grace_period", "-1199", "\"fqswait\"", ""},
          {4000.9, 0, "rcu_grace_period", "-1199", "\"cpuend\"", ""},
          {4000.9, 0, "rcu_grace_period", "-1199", "\"end\"", ""},
          {4000.9, 0, "rcu_grace_period", "-1196", "\"reqwait\"", ""},
          // CPU 1's tick at 4.25 ms: rcu_pending() (leaf at -1196) -> __note_gp_changes():
          // rcu_advance_cbs() moves the callback (gp -1196) to RCU_DONE_TAIL, "cpuend" -1199; then
          // rcu_do_batch() invokes it: kfree() of head - 48.
          {4250.6, 1, "rcu_donelist", "-1196", "\"rcu_advance_cbs\"", ""},
          {4250.6, 1, "rcu_grace_period", "-1199", "\"cpuend\"", ""},
          {4250.6, 1, "rcu_invoke_kvfree_callback", "", "", ""},
      });
}

TEST_CASE("gp sequence: classic RCU (kernel/rcuclassic.c, 2.6.27) on the hand-derived steps") {
  const Run r = run_cli("run tests/scenarios/gp_sequence.toml", "seq-classic");
  REQUIRE(r.exit_code == 0);
  // rcu_ctrlblk.cur = completed = -300. CPUs 0, 2, 3 are in nohz_cpu_mask once their ticks stop.
  check_sequence(
      r,
      {
          // CPU 1's tick at 1.25 ms (user): rcu_pending(): curlist empty, nxtlist not ->
          // rcu_check_callbacks(): user, so passed_quiesc = 1; RCU_SOFTIRQ ->
          // __rcu_process_callbacks(): nxtlist -> curlist, batch = cur + 1 = -299; !next_pending,
          // so under rcp->lock next_pending = 1 and rcu_start_batch(): cur = -299, cpumask = online
          // & ~nohz_cpu_mask = {1}: "start". rcu_check_quiescent_state(): quiescbatch -300 != cur:
          // qs_pending = 1, passed_quiesc = 0, quiescbatch = -299; report on a later pass.
          {1250.6, 1, "rcu_grace_period", "-299", "\"start\"", ""},
          // Its tick at 2.25 ms (user): passed_quiesc = 1, rcu_pending() (qs_pending) -> softirq ->
          // rcu_check_quiescent_state(): under rcp->lock cpu_quiet(1): "cpuqs", cpumask empty:
          // completed = cur = -299, "end"; no next batch pending.
          {2250.6, 1, "rcu_grace_period", "-299", "\"cpuqs\"", ""},
          {2250.6, 1, "rcu_grace_period", "-299", "\"end\"", ""},
          // Its tick at 3.25 ms: curlist with batch -299 <= completed: rcu_pending() -> softirq:
          // curlist -> donelist, rcu_do_batch() invokes it.
          {3250.6, 1, "rcu_donelist", "-299", "", ""},
          {3250.6, 1, "rcu_invoke_kvfree_callback", "", "", ""},
      });
}

// Tree RCU (rcu.flavor = "tree") at scenario level: grace-period latency on an idle machine,
// rcu_do_batch()'s limit, every committed scenario's verdict, the busted flavour caught,
// rcu_barrier() entraining only where callbacks are, the kthread's CPU and the lock figures.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>

#include "models/rcu/tree/tree.hpp"
#include "tests/gp_order.hpp"
#include "tests/sim_run.hpp"

using namespace rcusim::test;

namespace {
const std::string kTree = " --set rcu.flavor=tree";

std::size_t count_events(const Run& r, const std::string& ev, const std::string& detail = "") {
  std::size_t n = 0;
  for (const auto& e : events(r))
    n += e.at("event") == ev && (detail.empty() || e.at("detail") == "\"" + detail + "\"");
  return n;
}
}  // namespace

TEST_CASE("tree: rcu_do_batch()'s limit is max(blimit, ready >> rcu_divisor)") {
  using rcusim::tree::rcu_do_batch_limit;
  CHECK(rcu_do_batch_limit(10, 16007, 7) == 125);  // rcu_batch_start: rcu_preempt CBs=16007 bl=125
  CHECK(rcu_do_batch_limit(10, 1279, 7) == 10);
  CHECK(rcu_do_batch_limit(10, 1280, 7) == 10);
  CHECK(rcu_do_batch_limit(10, 1408, 7) == 11);
  CHECK(rcu_do_batch_limit(10000, 16007, 7) == 10000);  // during a flood blimit is 10000
  CHECK(rcu_do_batch_limit(10, 16007, 0) == 16007);
  CHECK(rcu_do_batch_limit(10, 16007, -1) == 125);  // the kernel clamps a negative divisor to 7
  CHECK(rcu_do_batch_limit(10, 16007, 100) == 10);  // ... and a huge one to 62
}

TEST_CASE("tree: 16007 ready callbacks start a batch with CBs=16007 bl=125") {
  // One burst of kfree_rcu()s on an idle machine, all in one grace period's segment; qhimark
  // above the burst keeps blimit at 10 (the kernel's trace line had no flood either).
  const std::string file = write_scenario("bl", "bl.toml", R"(name = "bl"
expect = "ok"
duration = "10ms"
workload = []
[machine]
cpus = 2
[rcu]
flavor = "tree"
qhimark = 20000
[[script]]
cpu = 1
actions = [ { at = "1100us", do = "kfree_rcu", size = "64B", count = 16007 } ]
)");
  const Run r = run_cli("run " + file, "bl");
  REQUIRE(r.exit_code == 0);
  bool seen = false;
  for (const auto& e : events(r))
    if (e.at("event") == "rcu_batch_start" && !seen) {
      seen = true;
      CHECK(e.at("qlen") == "16007");
      CHECK(e.at("count") == "125");
    }
  CHECK(seen);
  CHECK(r.summary()["metrics"]["paths"]["kfree_rcu"]["reclaimed"] == 16007);
}

TEST_CASE("tree: on an idle 64-CPU machine a grace period lasts about jiffies_till_first_fqs") {
  // HZ=1000, 64 CPUs: jiffies_till_first_fqs = 1 + 1 + 1 + 64 / 256 = 3. The callback's CPU
  // reports from its ticks; the 63 idle, tickless CPUs are credited by the first FQS scan
  // ("dti"), which comes at the jiffy boundary 3 jiffies after the grace period starts.
  const Run r =
      run_cli("run tests/scenarios/gp_sequence.toml --set machine.cpus=64" + kTree, "idle64");
  REQUIRE(r.exit_code == 0);
  const auto gp = r.summary()["metrics"]["grace_periods"];
  CHECK(gp["completed"] == 1);
  const auto lat = gp["latency_ns"]["max"].get<std::int64_t>();
  CHECK(lat > 2'000'000);
  CHECK(lat <= 3'000'000);
  CHECK(count_events(r, "rcu_fqs", "dti") == 63);
  CHECK(count_events(r, "rcu_grace_period", "fqsstart") == 1);
}

TEST_CASE("tree: every committed scenario meets the outcome it expects of tree") {
  const std::filesystem::path root(RCUSIM_SOURCE_DIR);
  int ran = 0;
  for (const auto& dir :
       {root / "scenarios", root / "scenarios" / "race", root / "tests" / "scenarios"}) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".toml") continue;
      CAPTURE(e.path().string());
      const std::string shorter = e.path().stem() == "bench_64cpu" ? " --set duration=3ms" : "";
      const Run r = run_cli("run " + e.path().string() + kTree + shorter, "every");
      CHECK(r.exit_code == 0);  // 1: the outcome differs from expect (for tree)
      CHECK(r.summary()["scenario"]["rcu"]["flavor"] == "tree");
      ++ran;
    }
  }
  CHECK(ran >= 18);
}

TEST_CASE("tree: the kthread's actor keeps runs byte-identical across SimGrid context factories") {
  const Run a = run_cli("run scenarios/smoke.toml" + kTree, "ctx");
  REQUIRE(a.exit_code == 0);
  for (const std::string& factory : context_factories()) {
    CAPTURE(factory);
    const Run b = run_cli("run scenarios/smoke.toml " + factory + kTree, "ctx");
    REQUIRE(b.exit_code == 0);
    for (const char* f : {"summary.json", "events.csv", "latencies.csv", "series.csv"})
      CHECK(a.file(f) == b.file(f));
  }
}

TEST_CASE("tree: no callback runs before its grace period ends, and smoke drains") {
  const Run r = run_cli("run scenarios/smoke.toml" + kTree, "order");
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  CHECK(s["metrics"]["waiting_for_reclaim"]["end_objects"] == 0);
  CHECK(s["metrics"]["grace_periods"]["completed"].get<int>() >= 3);
  CHECK(s["metrics"]["grace_periods"]["state_at_end"] == "RCU_GP_WAIT_GPS");
  CHECK(early_callbacks(events(r)).empty());
}

TEST_CASE("tree: readers never see their objects freed and busted-tree is caught") {
  // Two leaves of two CPUs (rcu_fanout_leaf = 2): readers on CPUs 0-1, updaters on 2-3.
  const std::string base = "run tests/scenarios/long_readers.toml --set rcu.rcu_fanout_leaf=2";
  const Run good = run_cli(base + kTree, "lr-tree");
  REQUIRE(good.exit_code == 0);
  CHECK(good.summary()["outcome"] == "ok");
  // Three rcu_nodes (a root over two leaves) initialised per grace period.
  CHECK(count_events(good, "rcu_grace_period_init") ==
        3 * count_events(good, "rcu_grace_period", "start"));
  const Run bad = run_cli(base + " --set rcu.flavor=busted-tree", "lr-busted");
  REQUIRE(bad.exit_code == 0);
  const auto s = bad.summary();
  CHECK(s["outcome"] == "bug");
  REQUIRE_FALSE(s["failures"].empty());
  CHECK(s["failures"][0]["kind"] == "use_after_free");
  CHECK(s["failures"][0]["message"].get<std::string>().find("reader on CPU") != std::string::npos);
}

TEST_CASE("tree: rcu_barrier() entrains only on CPUs with callbacks") {
  // An idle machine: no CPU has callbacks, every CPU is "NQ", nothing waits for a grace period.
  const Run idle = run_cli("run tests/scenarios/barrier_idle.toml" + kTree, "b-idle");
  REQUIRE(idle.exit_code == 0);
  const auto si = idle.summary();
  CHECK(si["metrics"]["rcu_barrier"]["count"] == 1);
  CHECK(count_events(idle, "rcu_barrier", "NQ") == 8);
  CHECK(count_events(idle, "rcu_barrier", "OnlineQ") == 0);
  CHECK(si["metrics"]["rcu_barrier"]["latency_ns"]["max"].get<std::int64_t>() < 100'000);
  CHECK_FALSE(si["metrics"]["paths"].contains("barrier"));
  // The race's module exit: one IPI per CPU with callbacks, one barrier callback each.
  const Run b = run_cli("run scenarios/race/with_rcu_barrier.toml" + kTree, "b-race");
  REQUIRE(b.exit_code == 0);
  const auto sb = b.summary();
  CHECK(sb["outcome"] == "ok");
  const std::size_t online = count_events(b, "rcu_barrier", "OnlineQ");
  CHECK(online >= 1);
  CHECK(online + count_events(b, "rcu_barrier", "NQ") == 2);
  CHECK(sb["metrics"]["paths"]["barrier"]["reclaimed"] == online);
  CHECK(count_events(b, "rcu_barrier", "IRQ") == online);
  CHECK(count_events(b, "rcu_barrier", "LastCB") == 1);
  CHECK(count_events(b, "rcu_barrier", "Inc2") == 1);
}

TEST_CASE("tree: the grace-period kthread runs on rcu.gp_kthread_cpu and its time is counted") {
  const Run r = run_cli("run scenarios/smoke.toml --set rcu.gp_kthread_cpu=2" + kTree, "kt");
  REQUIRE(r.exit_code == 0);
  std::size_t starts = 0;
  for (const auto& e : events(r))
    if (e.at("event") == "rcu_grace_period" && e.at("detail") == "\"start\"") {
      ++starts;
      CHECK(e.at("cpu") == "2");
    }
  CHECK(starts >= 3);
  const auto m = r.summary()["metrics"];
  CHECK(m["rcu_work"]["gp_kthread_cycles"].get<std::int64_t>() > 0);
  CHECK(m["rcu_work"]["cycles_per_gp"].get<double>() > 0);
  CHECK(m["locks"]["rcu_node_0"]["acquisitions"].get<std::uint64_t>() > 0);
}

TEST_CASE("tree: qhimark raises blimit to DEFAULT_MAX_RCU_BLIMIT and forces quiescent states") {
  const Run r =
      run_cli("run scenarios/smoke.toml --set rcu.qhimark=50 --set rcu.qlowmark=10" + kTree, "qh");
  REQUIRE(r.exit_code == 0);
  int long_batches = 0;
  for (const auto& e : events(r))
    if (e.at("event") == "rcu_batch_start") long_batches += std::stoi(e.at("count")) == 10000;
  CHECK(long_batches > 0);
  CHECK(r.summary()["outcome"] == "ok");
  const Run d = run_cli("run scenarios/smoke.toml" + kTree, "qh-default");
  for (const auto& e : events(d))
    if (e.at("event") == "rcu_batch_start") CHECK(std::stoi(e.at("count")) < 10000);
}

namespace {
// CPU 0 queues one kfree_rcu() at 1 ms and runs in user mode; CPU 1 spends `busy` in the kernel
// from the start (no schedule(), no quiescent state), then goes to user mode. Tree RCU, 2 CPUs,
// HZ=1000: jiffies_to_sched_qs = max(3 + 3 * 3, HZ / 10 + 2 / RCU_JIFFIES_FQS_DIV) = 100
// jiffies, the stall timeout 21 s, so jiffies_resched is the grace period's start + 10500.
Run holdout_run(const std::string& busy, const std::string& duration) {
  const std::string file = write_scenario("holdout", "holdout.toml",
                                          fmt::format(R"(name = "holdout"
seed = 1
expect = "ok"
duration = "{1}"
drain = "20ms"
workload = []
[rcu]
flavor = "tree"
[machine]
cpus = 2
[[script]]
cpu = 0
actions = [
  {{ at = "1ms", do = "kfree_rcu", size = "64B", label = "a" }},
  {{ do = "user", for = "{1}" }},
]
[[script]]
cpu = 1
actions = [
  {{ at = "0ms", do = "busy", mode = "kernel", for = "{0}" }},
  {{ do = "user", for = "{1}" }},
]
)",
                                                      busy, duration));
  return run_cli("run " + file, "holdout");
}

// Nanoseconds from the end of CPU 1's kernel section to its quiescent state ("cpuqs").
std::int64_t qs_after_busy(const Run& r) {
  std::int64_t end = -1;
  for (const auto& e : events(r)) {
    if (e.at("cpu") != "1") continue;
    if (e.at("event") == "busy" && e.at("detail") == "\"end\"") end = std::stoll(e.at("time_ns"));
    if (end >= 0 && e.at("event") == "rcu_grace_period" && e.at("detail") == "\"cpuqs\"")
      return std::stoll(e.at("time_ns")) - end;
  }
  return -1;
}
}  // namespace

TEST_CASE("tree: a holdout in the kernel is asked to reschedule, then sent IPIs, on time") {
  // 90 ms < jiffies_to_sched_qs: nobody asks; the first tick in user mode (up to a jiffy after
  // the section) is CPU 1's quiescent state.
  const Run quiet = holdout_run("90ms", "120ms");
  REQUIRE(quiet.exit_code == 0);
  CHECK(qs_after_busy(quiet) > 100'000);
  // 120 ms: past jiffies_to_sched_qs an FQS scan sets rcu_urgent_qs, the next tick in the kernel
  // sets need_resched, and the schedule() right after the section is the quiescent state.
  const Run urged = holdout_run("120ms", "150ms");
  REQUIRE(urged.exit_code == 0);
  const std::int64_t urged_qs = qs_after_busy(urged);
  CHECK(urged_qs >= 0);
  CHECK(urged_qs < 10'000);
  CHECK(urged.summary()["metrics"]["cpus"][1]["ipis"] == 0);
  // 11 s: past jiffies_resched (10.5 s) resched_cpu() every jiffies_to_sched_qs: the first FQS
  // scan after jiffy 10501, then the first more than 100 jiffies after the last (scans every 3
  // jiffies, so 102 apart): 5 IPIs before 11 s.
  const Run stalled = holdout_run("11s", "11100ms");
  REQUIRE(stalled.exit_code == 0);
  CHECK(stalled.summary()["metrics"]["cpus"][1]["ipis"] == 5);
  CHECK(stalled.summary()["metrics"]["cpus"][0]["ipis"] == 0);
}

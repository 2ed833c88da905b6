// Batched kfree_rcu(), generation by generation: drain timing, batches in flight, pages and the
// rcu_head fallback, flood re-arm, polled snapshots, kvfree_rcu_barrier() (models/reclaim/kvfree/).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/sim_run.hpp"

using namespace rcusim::test;

namespace {

// A 2-CPU machine (HZ=1000) where CPU 0 runs `cpu0` and CPU 1 runs `cpu1` (script action lists).
Run run_gen(const std::string& tag, const std::string& gen, const std::string& cpu0,
            const std::string& cpu1 = "", const std::string& sets = "") {
  std::string s = "name = \"" + tag +
                  "\"\nexpect = \"ok\"\nduration = \"2ms\"\ndrain = \"6s\"\n"
                  "workload = []\n[machine]\ncpus = 2\n[reclaim]\nkfree_rcu = \"" +
                  gen +
                  "\"\n[[module]]\nname = \"m\"\ncallbacks = [ { name = \"m_free\", kind = "
                  "\"trivial_kfree\" } ]\n[[script]]\ncpu = 0\nactions = [" +
                  cpu0 + "]\n";
  if (!cpu1.empty()) s += "[[script]]\ncpu = 1\nactions = [" + cpu1 + "]\n";
  const Run r = run_cli("run " + write_scenario(tag, "s.toml", s) + " " + sets, tag);
  REQUIRE(r.exit_code == 0);
  return r;
}

using Events = std::vector<std::map<std::string, std::string>>;

double ms(const std::map<std::string, std::string>& e) { return std::stod(e.at("time_ns")) / 1e6; }

Events of(const Run& r, const std::string& ev, const std::string& detail = "") {
  Events out;
  for (auto& e : events(r))
    if (e.at("event") == ev && (detail.empty() || e.at("detail") == "\"" + detail + "\""))
      out.push_back(e);
  return out;
}

std::vector<long> bulk_sizes(const Run& r) {
  std::vector<long> v;
  for (const auto& e : of(r, "rcu_invoke_kfree_bulk_callback"))
    v.push_back(std::stol(e.at("count")));
  std::sort(v.begin(), v.end());
  return v;
}

// The rcu_work of a batch is queued with call_rcu(): func is rcu_work_rcufn, not a module's.
std::size_t rcu_works(const Run& r, double before_ms = 1e12) {
  std::size_t n = 0;
  for (const auto& e : of(r, "rcu_callback")) n += ms(e) < before_ms;
  return n;
}

const char* kOne = "{ at = \"1ms\", do = \"kfree_rcu\", count = 100, size = \"64B\" }";

}  // namespace

TEST_CASE(
    "kvfree 5.6: the monitor drains HZ/50 after the first kfree_rcu(), one call_rcu() a batch") {
  // HZ/50 jiffies is 20 ms whatever HZ is.
  const Run hz250 = run_gen("k56hz", "5.6", kOne, "", "--set machine.hz=250");
  const auto mon250 = of(hz250, "workqueue_execute_start", "kfree_rcu_monitor");
  REQUIRE(mon250.size() == 1);
  CHECK(ms(mon250[0]) >= 20.0);
  CHECK(ms(mon250[0]) < 25.0);
  const Run r = run_gen("k56", "5.6", kOne);
  const auto mon = of(r, "workqueue_execute_start", "kfree_rcu_monitor");
  REQUIRE(mon.size() == 1);
  CHECK(ms(mon[0]) >= 21.0);  // armed in jiffy 1, fires at the tick of jiffy 21
  CHECK(ms(mon[0]) < 22.0);
  CHECK(rcu_works(r) == 1);  // the whole batch: one callback
  const auto freed = of(r, "rcu_invoke_kvfree_callback");
  CHECK(freed.size() == 100);  // one by one, after the grace period
  const auto gp_end = of(r, "rcu_grace_period", "end");
  REQUIRE(!gp_end.empty());
  CHECK(ms(freed.front()) > ms(gp_end.back()));
  CHECK(of(r, "workqueue_execute_start", "kfree_rcu_work").size() == 1);
  CHECK(r.summary()["metrics"]["paths"]["kfree_rcu"]["reclaimed"] == 100);
}

TEST_CASE("kvfree 5.6: two batches in flight per CPU, a third waits for one (0392bebebf26)") {
  // CPU 1 reads for 70 ms: no grace period ends meanwhile. CPU 0 drains at 21 ms (batch 0),
  // 42 ms (batch 1); at 63 ms both are busy, so the monitor re-arms for another 20 ms.
  const Run r = run_gen("k56two", "5.6",
                        "{ at = \"1ms\", do = \"kfree_rcu\", count = 10 },"
                        "{ at = \"22ms\", do = \"kfree_rcu\", count = 10 },"
                        "{ at = \"43ms\", do = \"kfree_rcu\", count = 10 }",
                        "{ at = \"2ms\", do = \"read\", for = \"70ms\" }");
  CHECK(rcu_works(r, 72) == 2);
  const auto mon = of(r, "workqueue_execute_start", "kfree_rcu_monitor");
  REQUIRE(mon.size() >= 4);
  CHECK(ms(mon[2]) > 63);
  CHECK(ms(mon[3]) > 83);  // the retry after KFREE_DRAIN_JIFFIES
  CHECK(rcu_works(r) == 3);
  CHECK(r.summary()["metrics"]["paths"]["kfree_rcu"]["reclaimed"] == 30);
}

TEST_CASE(
    "kvfree 5.7: pages of 509 pointers freed by kfree_bulk(), the rcu_head list when no page") {
  const char* many = "{ at = \"1ms\", do = \"kfree_rcu\", count = 600, size = \"64B\" }";
  const Run r = run_gen("k57", "5.7", many);
  CHECK(bulk_sizes(r) == std::vector<long>{91, 509});
  CHECK(of(r, "rcu_invoke_kvfree_callback").empty());
  CHECK(rcu_works(r) == 1);
  // No page to be had (fail_page_alloc): every object goes on the rcu_head list.
  const Run nopage = run_gen("k57np", "5.7", many, "", "--set reclaim.fail_page_alloc=1.0");
  CHECK(bulk_sizes(nopage).empty());
  CHECK(of(nopage, "rcu_invoke_kvfree_callback").size() == 600);
  CHECK(nopage.summary()["metrics"]["paths"]["kfree_rcu"]["reclaimed"] == 600);
}

TEST_CASE("kvfree 6.1: the cache starts empty, its worker fills it; 510 pointers a page") {
  // The first kfree_rcu() finds no cached page: the rcu_head list, and the refill worker runs at
  // the CPU's next scheduling point (the idle period); the next 600 fill two pages.
  const Run r = run_gen("k61pages", "6.1",
                        "{ at = \"1ms\", do = \"kfree_rcu\" }, { do = \"idle\", for = \"1ms\" },"
                        "{ do = \"kfree_rcu\", count = 600 }");
  CHECK(bulk_sizes(r) == std::vector<long>{90, 510});
  CHECK(of(r, "rcu_invoke_kvfree_callback").size() == 1);
  CHECK(of(r, "workqueue_execute_start", "fill_page_cache_func").size() >= 1);
}

TEST_CASE("kvfree 6.1: the drain waits 5*HZ, a page's worth re-arms it for the next jiffy") {
  const Run slow = run_gen("k61slow", "6.1",
                           "{ at = \"1ms\", do = \"kfree_rcu\" }, { do = \"idle\", for = \"1ms\" },"
                           "{ do = \"kfree_rcu\", count = 100 }");
  auto mon = of(slow, "workqueue_execute_start", "kfree_rcu_monitor");
  REQUIRE(!mon.empty());
  CHECK(ms(mon[0]) >= 5001.0);  // armed at jiffy 1, 5 * HZ later
  CHECK(ms(mon[0]) < 5002.0);
  const Run flood =
      run_gen("k61flood", "6.1",
              "{ at = \"1ms\", do = \"kfree_rcu\" }, { do = \"idle\", for = \"1ms\" },"
              "{ do = \"kfree_rcu\", count = 600 }");
  mon = of(flood, "workqueue_execute_start", "kfree_rcu_monitor");
  REQUIRE(!mon.empty());
  CHECK(ms(mon[0]) < 5.0);  // the 510th pointer re-armed it for the next jiffy
  const Run old = run_gen("k57flood", "5.7", "{ at = \"1ms\", do = \"kfree_rcu\", count = 600 }");
  mon = of(old, "workqueue_execute_start", "kfree_rcu_monitor");
  REQUIRE(!mon.empty());
  CHECK(ms(mon[0]) >= 21.0);  // 5.7 has no flood detection: HZ/50 whatever the count
}

TEST_CASE("kvfree 6.3: what a past grace period covers is freed by the monitor, no call_rcu()") {
  // CPU 1's call_rcu() at 3 ms makes grace periods after CPU 0's snapshots (1-2 ms); at 5 s the
  // monitor finds them passed. 6.1 queues a batch and waits for another grace period.
  const std::string cpu0 =
      "{ at = \"1ms\", do = \"kfree_rcu\" }, { do = \"idle\", for = \"1ms\" },"
      "{ do = \"kfree_rcu\", count = 100 }";
  const std::string cpu1 = "{ at = \"3ms\", do = \"call_rcu\", callback = \"m_free\" }";
  const Run polled = run_gen("k63", "6.3", cpu0, cpu1);
  const Run plain = run_gen("k63vs61", "6.1", cpu0, cpu1);
  CHECK(rcu_works(polled) == 1);  // the module's callback only
  CHECK(rcu_works(plain) == 2);   // and the batch's rcu_work
  const auto mon = of(polled, "workqueue_execute_start", "kfree_rcu_monitor");
  const auto bulk = of(polled, "rcu_invoke_kfree_bulk_callback");
  REQUIRE(!mon.empty());
  REQUIRE(bulk.size() == 1);
  CHECK(ms(bulk[0]) - ms(mon[0]) < 0.1);  // freed inside the monitor's run
  CHECK(of(polled, "workqueue_execute_start", "kfree_rcu_work").empty());
  CHECK(polled.summary()["metrics"]["paths"]["kfree_rcu"]["reclaimed"] == 101);
  CHECK(plain.summary()["metrics"]["paths"]["kfree_rcu"]["reclaimed"] == 101);
}

TEST_CASE("kvfree 6.12: kvfree_rcu_barrier() returns once every object queued before it is freed") {
  const std::string out =
      shell(std::string(RCUSIM_BINARY) +
            " run scenarios/race/cache_destroy_kvfree_rcu_barrier.toml --out " + fresh_dir("kvb"));
  const auto at = out.find("kvfree_rcu_barrier() returns");
  REQUIRE(at != std::string::npos);
  CHECK(out.find("kmem_cache_destroy batadv_tt_global_cache: 0 objects live", at) !=
        std::string::npos);
  CHECK(out.find("outcome ok") != std::string::npos);
  // Older generations have no kvfree_rcu_barrier(): the scenario is refused.
  const Run old = run_cli(
      "run scenarios/race/cache_destroy_kvfree_rcu_barrier.toml --set reclaim.kfree_rcu=6.3");
  CHECK(old.exit_code == 2);
  CHECK(old.out.find("script[0].actions[2].do: kvfree_rcu_barrier() does not exist in "
                     "reclaim.kfree_rcu = \"6.3\"") != std::string::npos);
}

TEST_CASE(
    "kvfree: batman-adv's exit, rcu_barrier() then kmem_cache_destroy(), in every generation") {
  struct Case {
    const char* gen;
    const char* outcome;
  };
  for (const Case c :
       {Case{"rfc-2008", "ok"}, Case{"3.0", "ok"}, Case{"5.6", "bug"}, Case{"5.7", "bug"},
        Case{"6.1", "bug"}, Case{"6.3", "bug"}, Case{"6.12", "ok"}}) {
    CAPTURE(c.gen);
    const Run r = run_cli(std::string("run scenarios/race/cache_destroy_after_rcu_barrier.toml "
                                      "--set reclaim.kfree_rcu=") +
                              c.gen,
                          c.gen);
    CHECK(r.exit_code == 0);  // the outcome the file declares for this generation
    const auto s = r.summary();
    CHECK(s["outcome"] == c.outcome);
    CHECK(s["expect"] == c.outcome);
    if (std::string(c.outcome) == "bug") {
      const std::string m = s["failures"][0]["message"];
      CHECK(m.find("kmem_cache_destroy batadv_tt_global_cache: Slab cache still has objects") !=
            std::string::npos);
    }
  }
  // The timeline says where the objects were when the cache died.
  const std::string out = shell(std::string(RCUSIM_BINARY) +
                                " run scenarios/race/cache_destroy_after_rcu_barrier.toml"
                                " --set reclaim.kfree_rcu=5.7 --out " +
                                fresh_dir("kvtl"));
  for (const char* line : {"kmem_cache_destroy batadv_tt_global_cache: 1300 objects live",
                           "CPU 0 kfree_rcu_cpu: 400 (in pages) waiting for the monitor",
                           "CPU 2 kfree_rcu_cpu: 600 (in pages) waiting for the monitor"}) {
    CAPTURE(line);
    CHECK(out.find(line) != std::string::npos);
  }
}

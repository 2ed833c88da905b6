// Modules, rcu_barrier() and the module-unload race (scenarios/race/).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/sim_run.hpp"

using namespace rcusim::test;

namespace {

nlohmann::json module_stats(const nlohmann::json& s, const std::string& name) {
  for (const auto& m : s["metrics"]["modules"])
    if (m["name"] == name) return m;
  return {};
}

std::size_t count_events(const Run& r, const std::string& ev) {
  std::size_t n = 0;
  for (const auto& e : events(r)) n += e.at("event") == ev;
  return n;
}

}  // namespace

TEST_CASE("race: every scenario file meets the outcome it declares") {
  const std::filesystem::path root(RCUSIM_SOURCE_DIR);
  int ran = 0;
  for (const auto& dir : {root / "scenarios", root / "scenarios" / "race"}) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".toml" || e.path().stem() == "bench_64cpu") continue;
      CAPTURE(e.path().string());
      const Run r = run_cli("run " + e.path().string());
      CHECK(r.exit_code == 0);  // 1 would mean the outcome differs from `expect`
      ++ran;
    }
  }
  CHECK(ran >= 9);
}

TEST_CASE("race: paul_a_to_e oopses on CPU 0 after the unload and prints the steps") {
  const Run r = run_cli("run scenarios/race/paul_a_to_e.toml", "paul");
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  CHECK(s["outcome"] == "oops");
  REQUIRE(s["failures"].size() == 1);
  const auto& f = s["failures"][0];
  CHECK(f["cpu"] == 0);
  const std::string msg = f["message"];
  CHECK(msg.find("unable to handle kernel paging request at ffffffffa") != std::string::npos);
  CHECK(msg.find("my_struct_release_rcu+0x0/0x60 [mymod]") != std::string::npos);
  const auto unload = module_stats(s, "mymod");
  REQUIRE(unload["unload_ns"].is_number());
  CHECK(unload["unload_ns"].get<std::int64_t>() < f["time_ns"].get<std::int64_t>());  // d before e
  CHECK(count_events(r, "module_unload") == 1);
  CHECK(count_events(r, "oops") == 1);
  const std::string cmd_out = run_cli("run scenarios/race/paul_a_to_e.toml --quiet", "q").out;
  CHECK(cmd_out.empty());  // --quiet prints nothing (the expected outcome is met)
}

TEST_CASE("race: the timeline lists steps a to e in order") {
  const std::string out = shell(std::string(RCUSIM_BINARY) +
                                " run scenarios/race/paul_a_to_e.toml --out " + fresh_dir("tl"));
  std::size_t pos = 0;
  for (const char* step :
       {"queued a: call_rcu(my_struct_release_rcu", "busy (user)", "curlist -> donelist", "incl. a",
        "queued fence: kfree_rcu()", "invoked fence", "unload mymod",
        "invoked a: call my_struct_release_rcu", "Oops: unable to handle kernel paging request"}) {
    CAPTURE(step);
    const auto at = out.find(step, pos);
    CHECK(at != std::string::npos);
    if (at != std::string::npos) pos = at;
  }
}

TEST_CASE("race: rcu_barrier makes the unload wait and kfree_rcu-only modules unload at once") {
  const Run b = run_cli("run scenarios/race/with_rcu_barrier.toml", "barrier");
  REQUIRE(b.exit_code == 0);
  const auto sb = b.summary();
  CHECK(sb["outcome"] == "ok");
  CHECK(sb["metrics"]["rcu_barrier"]["count"] == 1);
  const auto lat = sb["metrics"]["rcu_barrier"]["latency_ns"]["max"].get<std::int64_t>();
  const auto wait = module_stats(sb, "mymod")["unload_wait_ns"].get<std::int64_t>();
  CHECK(lat > 10'000'000);  // behind CPU 0's 3000-callback donelist: many ticks
  CHECK(wait >= lat);
  CHECK(sb["metrics"]["paths"]["barrier"]["reclaimed"] == 2);  // one barrier callback per CPU
  CHECK(count_events(b, "rcu_barrier") == 2);                  // start and done

  const Run k = run_cli("run scenarios/race/all_kfree_rcu.toml", "kfree");
  REQUIRE(k.exit_code == 0);
  const auto sk = k.summary();
  CHECK(sk["outcome"] == "ok");
  CHECK(module_stats(sk, "mymod")["unload_wait_ns"] == 0);
  CHECK(sk["metrics"]["rcu_barrier"]["count"] == 0);
}

TEST_CASE("race: unloading with callbacks pending and no barrier is caught every time") {
  for (const char* drain : {"0ms", "1ms", "20ms"}) {
    for (int seed = 1; seed <= 4; ++seed) {
      CAPTURE(drain);
      CAPTURE(seed);
      const Run r = run_cli(std::string("run tests/scenarios/unload_with_pending.toml --seed ") +
                            std::to_string(seed) + " --set drain=\\\"" + drain + "\\\"" +
                            " --set perturb.tick_phase=true --set perturb.softirq_defer=0.3");
      CHECK(r.exit_code == 0);
      CHECK(r.summary()["outcome"] == "oops");
    }
  }
}

TEST_CASE("race: explore counts outcomes and its shortest failing run reproduces exactly") {
  const std::string dir = fresh_dir("explore");
  int code = -1;
  const std::string out = shell(std::string(RCUSIM_BINARY) +
                                    " explore scenarios/race/paul_a_to_e.toml --runs 8 --seed 1"
                                    " --set 'script.0.actions.2.for=\"8ms\"' --out " +
                                    dir,
                                &code);
  CHECK(code == 0);
  CHECK(out.find("explore paul_a_to_e: 8 runs") != std::string::npos);
  CHECK(out.find("the race opens between the two") != std::string::npos);
  const auto at = out.find("reproduce with:\n  rcusim ");
  REQUIRE(at != std::string::npos);
  const auto line_end = out.find('\n', at + 18);
  const std::string repro = out.substr(at + 18 + 7, line_end - at - 18 - 7);  // after "rcusim "
  const auto seed_at = repro.find("--seed ") + 7;
  const std::string seed = repro.substr(seed_at, repro.find(' ', seed_at) - seed_at);
  const Run again = run_cli(repro.substr(0), "repro");
  REQUIRE(again.exit_code == 0);
  Run explored;
  explored.dir = dir + "/seed-" + seed;
  CHECK(again.file("summary.json") == explored.file("summary.json"));
  CHECK(again.file("events.csv") == explored.file("events.csv"));
  CHECK(again.summary()["outcome"] == "oops");
}

TEST_CASE("race: scripts referring to unknown names are bad input") {
  const std::string file = write_scenario(
      "badscript", "s.toml",
      "name = \"s\"\n[[script]]\ncpu = 0\nactions = [ { do = \"unload\", module = \"nomod\" } ]\n");
  const Run r = run_cli("run " + file);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("s.toml:4:13: script[0].actions[0].module: no [[module]] named \"nomod\"") !=
        std::string::npos);
}

TEST_CASE("race: rcu_barrier on an idle NO_HZ machine wakes the tickless CPUs") {
  const Run r = run_cli("run tests/scenarios/barrier_idle.toml", "barrier-idle");
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  CHECK(s["metrics"]["rcu_barrier"]["count"] == 1);
  CHECK(s["metrics"]["paths"]["barrier"]["reclaimed"] == 8);
  // A few grace periods at HZ=1000, not the rest of the idle period.
  CHECK(s["metrics"]["rcu_barrier"]["latency_ns"]["max"].get<std::int64_t>() < 8'000'000);
}

TEST_CASE("race: a CPU with bottom halves off stalls the grace period so the race cannot open") {
  // Classic RCU reports quiescent states from the softirq: a CPU that runs none holds up every
  // grace period, the fence cannot complete before CPU 0 is back, and CPU 0 then runs its
  // donelist before the unload.
  const Run r = run_cli(
      "run scenarios/race/paul_a_to_e.toml --set 'script.0.actions.2.mode=\"bh_off\"'"
      " --set 'expect=\"ok\"'",
      "bh-off");
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  CHECK(s["outcome"] == "ok");
  CHECK(s["metrics"]["grace_periods"]["latency_ns"]["max"].get<std::int64_t>() > 30'000'000);
}

TEST_CASE("race: scripted read idle user load and wait actions") {
  const Run r = run_cli("run tests/scenarios/script_actions.toml", "actions");
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  CHECK(s["outcome"] == "ok");  // reloaded before its callback was queued: no oops
  std::int64_t queued = -1, invoked = -1;
  std::size_t loads = 0;
  for (const auto& e : events(r)) {
    if (e.at("event") == "rcu_callback") queued = std::stoll(e.at("time_ns"));
    if (e.at("event") == "rcu_invoke_callback") invoked = std::stoll(e.at("time_ns"));
    loads += e.at("event") == "module_load";
  }
  CHECK(loads == 1);
  REQUIRE(queued > 0);
  // CPU 1's 6 ms read-side section, begun at 1 ms, holds the grace period past 7 ms.
  CHECK(queued < 2'000'000);
  CHECK(invoked > 7'000'000);
  CHECK(s["metrics"]["grace_periods"]["latency_ns"]["max"].get<std::int64_t>() > 5'000'000);
}

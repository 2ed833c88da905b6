// Scenario-level tests: run the simulator on scenario files and check outcomes and figures.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/gp_order.hpp"
#include "tests/sim_run.hpp"

using namespace rcusim::test;

namespace {
const char* kSmoke = "run scenarios/smoke.toml";

std::uint64_t reclaimed(const nlohmann::json& s, const char* path) {
  const auto& p = s["metrics"]["paths"];
  return p.contains(path) ? p[path]["reclaimed"].get<std::uint64_t>() : 0;
}
}  // namespace

TEST_CASE("sim: smoke reclaims through both paths and drains") {
  const Run r = run_cli(kSmoke);
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  CHECK(s["outcome"] == "ok");
  CHECK(s["failures"].empty());
  const auto& paths = s["metrics"]["paths"];
  CHECK(reclaimed(s, "kfree_rcu") > 100);
  CHECK(reclaimed(s, "trivial_kfree") > 100);
  for (const char* p : {"kfree_rcu", "trivial_kfree"})
    CHECK(paths[p]["queued"] == paths[p]["reclaimed"]);
  CHECK(s["metrics"]["waiting_for_reclaim"]["end_objects"] == 0);
  CHECK(s["metrics"]["grace_periods"]["completed"].get<int>() >= 3);
  CHECK(s["metrics"]["grace_periods"]["state_at_end"] == "idle");  // drained: nothing pending
  // The trivial path fetches callback text and makes an indirect call; kfree_rcu does neither.
  CHECK(paths["trivial_kfree"]["cycles_per_object"].get<double>() >
        paths["kfree_rcu"]["cycles_per_object"].get<double>());
  CHECK(paths["trivial_kfree"]["accesses_by_class_per_object"]["callback_text"] == 1.0);
  CHECK_FALSE(paths["kfree_rcu"]["accesses_by_class_per_object"].contains("callback_text"));
}

TEST_CASE("sim: same seed gives the same bytes with every SimGrid context factory") {
  const Run a = run_cli(kSmoke);
  REQUIRE(a.exit_code == 0);
  for (const std::string& factory : context_factories()) {
    CAPTURE(factory);
    const Run b = run_cli(std::string(kSmoke) + " " + factory);
    REQUIRE(b.exit_code == 0);
    for (const char* f : {"summary.json", "events.csv", "latencies.csv", "series.csv"}) {
      CAPTURE(f);
      CHECK(a.file(f).size() > 100);
      CHECK(a.file(f) == b.file(f));
    }
  }
}

TEST_CASE("sim: another seed gives another run") {
  const Run a = run_cli(kSmoke), b = run_cli(std::string(kSmoke) + " --seed 2");
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  CHECK(a.file("events.csv") != b.file("events.csv"));
  CHECK(b.summary()["seed"] == 2);
}

TEST_CASE("gp order checker: finds a callback invoked too early") {
  std::vector<std::map<std::string, std::string>> ev = {
      {{"event", "rcu_callback"}, {"time_ns", "10"}, {"head", "0x1"}},
      {{"event", "rcu_grace_period"}, {"time_ns", "5"}, {"gp", "1"}, {"detail", "\"start\""}},
      {{"event", "rcu_grace_period"}, {"time_ns", "20"}, {"gp", "1"}, {"detail", "\"end\""}},
      {{"event", "rcu_invoke_callback"}, {"time_ns", "30"}, {"head", "0x1"}},
  };
  CHECK(early_callbacks(ev).size() == 1);  // gp 1 started before the callback was queued
  ev.push_back(
      {{"event", "rcu_grace_period"}, {"time_ns", "12"}, {"gp", "2"}, {"detail", "\"start\""}});
  ev.push_back(
      {{"event", "rcu_grace_period"}, {"time_ns", "25"}, {"gp", "2"}, {"detail", "\"end\""}});
  CHECK(early_callbacks(ev).empty());
}

TEST_CASE("sim: no callback runs before its grace period ends") {
  const Run r = run_cli(kSmoke);
  REQUIRE(r.exit_code == 0);
  const auto ev = events(r);
  std::size_t invoked = 0;
  for (const auto& e : ev) invoked += e.at("event").rfind("rcu_invoke", 0) == 0;
  CHECK(invoked == reclaimed(r.summary(), "kfree_rcu") + reclaimed(r.summary(), "trivial_kfree"));
  const auto bad = early_callbacks(ev);
  CHECK(bad.empty());
  if (!bad.empty())
    MESSAGE("first early callback head " << bad[0].head << " queued " << bad[0].queued);
}

TEST_CASE("sim: readers never see their objects freed and a busted RCU is caught") {
  // Long read-side sections on every CPU, frequent updates: a grace period that does not wait
  // for every CPU frees objects readers still hold.
  const std::string base = "run tests/scenarios/long_readers.toml";
  const Run good = run_cli(base);
  REQUIRE(good.exit_code == 0);
  CHECK(good.summary()["outcome"] == "ok");
  CHECK(good.summary()["failures"].empty());

  const Run bad = run_cli(base + " --set rcu.flavor=busted");
  REQUIRE(bad.exit_code == 0);  // the simulation completed; the simulated kernel did not
  const auto s = bad.summary();
  CHECK(s["outcome"] == "bug");
  REQUIRE_FALSE(s["failures"].empty());
  const auto& f = s["failures"][0];
  CHECK(f["kind"] == "use_after_free");
  CHECK(f["message"].get<std::string>().find("reader on CPU") != std::string::npos);
  CHECK(f["time_ns"].get<std::int64_t>() > 0);
}

TEST_CASE("sim: more than blimit done callbacks take several softirq rounds") {
  const Run r = run_cli(std::string(kSmoke) + " --set rcu.blimit=10");
  REQUIRE(r.exit_code == 0);
  int full_batches = 0, max_count = 0, passes_after_full = 0;
  std::map<std::string, bool> last_was_full;  // per CPU
  for (const auto& e : events(r)) {
    if (e.at("event") == "rcu_batch_end") {
      const int n = std::stoi(e.at("count"));
      max_count = std::max(max_count, n);
      const bool full = n == 10 && std::stoi(e.at("qlen")) > 0;
      full_batches += full;
      last_was_full[e.at("cpu")] = full;
    } else if (e.at("event") == "rcu_batch_start" && last_was_full[e.at("cpu")]) {
      ++passes_after_full;
    }
  }
  CHECK(max_count == 10);         // never more than blimit per rcu_do_batch()
  CHECK(full_batches > 10);       // donelists longer than blimit were cut ...
  CHECK(passes_after_full > 10);  // ... and finished in later rounds
  const Run big = run_cli(std::string(kSmoke) + " --set rcu.blimit=100000");
  REQUIRE(big.exit_code == 0);
  const auto sr = r.summary()["metrics"]["cpus"], sb = big.summary()["metrics"]["cpus"];
  std::uint64_t passes_r = 0, passes_b = 0;
  for (std::size_t c = 0; c < sr.size(); ++c) {
    passes_r += sr[c]["softirq_passes"].get<std::uint64_t>();
    passes_b += sb[c]["softirq_passes"].get<std::uint64_t>();
  }
  CHECK(passes_b < passes_r);
}

TEST_CASE("sim: kfree_rcu offsets at the encoding limits on real objects") {
  const std::string one_type = std::string(kSmoke) +
                               " --set objects.types=1 --set objects.kfree_rcu=1.0"
                               " --set table.slots=16 --set expect=\\\"any\\\"";
  struct Case {
    const char* enc;
    const char* off;
    const char* outcome;
  };
  for (const Case c : {Case{"rfc-2008", "32760B", "ok"}, Case{"rfc-2008", "32768B", "bug"},
                       Case{"3.0", "4095B", "ok"}, Case{"3.0", "4096B", "bug"}}) {
    CAPTURE(c.enc);
    CAPTURE(c.off);
    const Run r = run_cli(one_type + " --set reclaim.kfree_rcu=" + c.enc +
                          " --set objects.head_offset=" + c.off);
    REQUIRE(r.exit_code == 0);
    const auto s = r.summary();
    CHECK(s["outcome"] == c.outcome);
    if (std::string(c.outcome) == "ok") {
      CHECK(reclaimed(s, "kfree_rcu") > 10);
      CHECK(s["metrics"]["paths"]["kfree_rcu"]["queued"] ==
            s["metrics"]["paths"]["kfree_rcu"]["reclaimed"]);
    } else {
      CHECK(s["failures"][0]["kind"] == "bug");
      CHECK(reclaimed(s, "kfree_rcu") == 0);
    }
  }
}

TEST_CASE("cli: a bad scenario exits 2 with file:line and writes nothing") {
  const std::string file =
      write_scenario("bad", "bad.toml", "name = \"bad\"\n[rcu]\nblimit = -3\n");
  const Run r = run_cli("run " + file);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("bad.toml:3:10: rcu.blimit: -3 is out of range") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(r.dir));
  const Run v = run_cli("validate " + file);
  CHECK(v.exit_code == 2);
  const Run missing = run_cli("run /nonexistent.toml");
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.find("/nonexistent.toml: cannot open") != std::string::npos);
  const Run badopt = run_cli("run scenarios/smoke.toml --seed=-4");
  CHECK(badopt.exit_code == 2);
}

TEST_CASE("cli: an outcome other than the expected one exits 1") {
  const Run r = run_cli(std::string(kSmoke) + " --set expect=\\\"oops\\\"");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("expected outcome \"oops\", got \"ok\"") != std::string::npos);
  CHECK(std::filesystem::exists(r.dir + "/summary.json"));  // the results are still written
}

TEST_CASE("sim: qhimark forces quiescent states and lifts blimit") {
  // With qhimark at 50, call_rcu() on a busy CPU soon finds qlen above it: blimit becomes
  // INT_MAX (batches longer than 10), force_quiescent_state() sends reschedule IPIs.
  const Run r = run_cli(std::string(kSmoke) + " --set rcu.qhimark=50 --set rcu.qlowmark=10");
  REQUIRE(r.exit_code == 0);
  int forced = 0, long_batches = 0;
  long first_gp = 0;
  for (const auto& e : events(r)) {
    forced += e.at("event") == "rcu_force_qs";
    if (e.at("event") == "rcu_batch_end") long_batches += std::stoi(e.at("count")) > 10;
    if (!first_gp && e.at("event") == "rcu_grace_period") first_gp = std::stol(e.at("gp"));
  }
  CHECK(forced > 0);
  CHECK(long_batches > 0);
  CHECK(first_gp == -299);  // rcu_ctrlblk counters start at -300
  std::uint64_t ipis = 0;
  const auto s = r.summary();
  for (const auto& c : s["metrics"]["cpus"]) ipis += c["ipis"].get<std::uint64_t>();
  CHECK(ipis > 0);
  // With the default qhimark nothing is forced.
  const Run d = run_cli(kSmoke);
  for (const auto& e : events(d)) CHECK(e.at("event") != "rcu_force_qs");
}

TEST_CASE("cli: help and version exit 0") {
  int code = -1;
  CHECK(shell(std::string(RCUSIM_BINARY) + " --version", &code).find("rcusim 0.") !=
        std::string::npos);
  CHECK(code == 0);
  const std::string help = shell(std::string(RCUSIM_BINARY) + " --help", &code);
  CHECK(code == 0);
  for (const char* cmd : {"run", "validate", "keys", "cachesim", "explore", "sweep", "merge"})
    CHECK(help.find(cmd) != std::string::npos);
  shell(std::string(RCUSIM_BINARY) + " frobnicate", &code);
  CHECK(code == 2);
}

TEST_CASE("cli: progress on a terminal once a run is past --progress-after, never with --quiet") {
  // script(1) gives the run a terminal. --progress-after 0 (a hidden option; one second by
  // default) makes the check independent of how fast the run is.
  const std::string run = std::string(RCUSIM_BINARY) +
                          " run scenarios/smoke.toml --progress-after 0 --out " + fresh_dir("prog");
  int code = -1;
  const std::string loud = shell("script -qec '" + run + " >/dev/null' /dev/null", &code);
  CHECK(code == 0);
  CHECK(loud.find("simulated") != std::string::npos);
  const std::string quiet = shell("script -qec '" + run + " --quiet' /dev/null", &code);
  CHECK(code == 0);
  CHECK(quiet.find("simulated") == std::string::npos);
  // Not a terminal: no progress either.
  CHECK(shell(run + " 2>&1 >/dev/null").find("simulated") == std::string::npos);
  // The default waits a second: a short run on a terminal prints none.
  const std::string brief =
      std::string(RCUSIM_BINARY) + " run scenarios/smoke.toml --out " + fresh_dir("brief");
  CHECK(shell("script -qec '" + brief + " >/dev/null' /dev/null").find("simulated") ==
        std::string::npos);
}

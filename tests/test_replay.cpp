// `rcusim replay`: a run's own trace replays into the same callbacks on the same CPUs at the
// same times; hand-written traces in the kernel's and trace-cmd's forms replay; bad traces exit
// 2 and write nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "sim/trace/ftrace_reader.hpp"
#include "tests/sim_run.hpp"

using namespace rcusim::test;
namespace ft = rcusim::ftrace;

namespace {

const std::string kData = "tests/data/ftrace/";

struct Queued {
  std::int64_t ns;   // after the trace's first event
  std::string what;  // the callback's symbol, or "offset N"
};

// Each CPU's call_rcu()/kfree_rcu() calls, in order.
std::map<int, std::vector<Queued>> queued(const std::string& trace_text) {
  const ft::FtraceRead t = ft::read_ftrace(trace_text);
  REQUIRE(t.ok());
  REQUIRE_FALSE(t.events.empty());
  const std::int64_t first = t.events.front().line.ts_ns;
  std::map<int, std::vector<Queued>> out;
  for (const ft::RcuRecord& e : t.events) {
    if (const auto* c = std::get_if<ft::Callback>(&e.fields))
      out[e.line.cpu].push_back({e.line.ts_ns - first, c->func});
    else if (const auto* k = std::get_if<ft::KvfreeCallback>(&e.fields))
      out[e.line.cpu].push_back({e.line.ts_ns - first, "offset " + std::to_string(k->offset)});
  }
  return out;
}

// The largest time difference between the same calls of two traces (which must match).
std::int64_t max_skew(const std::map<int, std::vector<Queued>>& a,
                      const std::map<int, std::vector<Queued>>& b) {
  REQUIRE(a.size() == b.size());
  std::int64_t worst = 0;
  for (const auto& [cpu, calls] : a) {
    CAPTURE(cpu);
    REQUIRE(b.count(cpu));
    const auto& other = b.at(cpu);
    REQUIRE(calls.size() == other.size());
    for (std::size_t i = 0; i < calls.size(); ++i) {
      CHECK(calls[i].what == other[i].what);
      worst = std::max(worst, std::abs(calls[i].ns - other[i].ns));
    }
  }
  return worst;
}

Run replay(const std::string& trace, const std::string& args = "",
           const std::string& tag = "replay") {
  return run_cli("replay " + trace + " " + args, tag);
}

std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string dir = fresh_dir("trace-in");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
  return dir + "/" + name;
}

}  // namespace

// With 9-digit timestamps the replay puts each call within a microsecond of the original (the
// tracepoint fires after the same few instructions of call_rcu()); with the kernel's 6 digits
// each time carries up to half a microsecond of rounding, and a burst queued at one printed
// microsecond can spill into the next.
TEST_CASE("replay: a run's trace replays into the same callbacks, CPUs and times") {
  for (const bool ns : {true, false}) {
    CAPTURE(ns);
    const std::string digits = ns ? " --trace-ns" : "";
    const Run run = run_cli("run scenarios/smoke.toml --set duration=3ms --trace ftrace" + digits,
                            "roundtrip-run");
    REQUIRE(run.exit_code == 0);
    const Run again = replay(run.dir + "/trace.txt", "--trace ftrace" + digits, "roundtrip");
    REQUIRE(again.exit_code == 0);
    const auto a = queued(run.file("trace.txt")), b = queued(again.file("trace.txt"));
    std::size_t n = 0;
    for (const auto& [cpu, calls] : a) n += calls.size();
    CHECK(n > 100);
    CHECK(max_skew(a, b) < (ns ? 1000 : 2000));
    const auto s = again.summary();
    CHECK(s["scenario"]["machine"]["cpus"] == 4);
    CHECK(s["scenario"]["workload"].empty());
    const auto rj = nlohmann::json::parse(again.file("replay.json"));
    CHECK(rj["callbacks"] == n);
    CHECK(rj["simulated"]["callbacks_queued"] == n);
    CHECK(rj["traced"]["latency_ns"]["count"] == n);  // every one invoked and matched
    CHECK(rj["simulated"]["latency_ns"]["count"] == n);
  }
}

TEST_CASE("replay: a hand-written trace file replays and is compared") {
  const Run r = replay(kData + "sample.txt", "", "sample");
  REQUIRE(r.exit_code == 0);
  const auto rj = nlohmann::json::parse(r.file("replay.json"));
  CHECK(rj["callbacks"] == 9);
  CHECK(rj["kvfree_callbacks"] == 2);
  CHECK(rj["cpus"] == 4);  // CPUs 0 to 3 appear
  CHECK(rj["bad_lines"] == 0);
  CHECK(rj["functions"] ==
        nlohmann::json({"file_free_rcu", "i_callback", "rcu_free_old_probes.cfi_jt",
                        "free_dentry_rcu [mymod]"}));
  const auto& traced = rj["traced"];
  CHECK(traced["grace_period_ns"]["count"] == 2);  // 8805 -> 8808, 8809 -> 8812
  CHECK(traced["grace_period_ns"]["max"] == 3'000'000);
  CHECK(traced["batch_cbs"]["count"] == 5);
  CHECK(traced["batch_invoked"]["max"] == 3);
  CHECK(traced["latency_ns"]["count"] == 9);
  CHECK(traced["latency_ns"]["max"] == 4'721'000);
  CHECK(rj["simulated"]["callbacks_invoked"] == 9);
  CHECK(rj["simulated"]["grace_period_ns"]["count"].get<int>() >= 1);
  const auto s = r.summary();
  CHECK(s["scenario"]["name"] == "replay-sample");
  CHECK(s["metrics"]["paths"]["kfree_rcu"]["queued"] == 2);
  CHECK(s["metrics"]["paths"]["trivial_kfree"]["queued"] == 7);
  CHECK(r.file("replay_gp.csv").rfind("source,duration_ns\ntraced,", 0) == 0);
  CHECK(r.file("replay_latency.csv").find("\nsimulated,") != std::string::npos);
}

TEST_CASE("replay: trace-cmd report output with older kernels' forms replays") {
  const Run r = replay(kData + "sample-report.txt", "--trace ftrace", "sample-report");
  REQUIRE(r.exit_code == 0);
  const auto rj = nlohmann::json::parse(r.file("replay.json"));
  CHECK(rj["callbacks"] == 3);  // rcu_callback "%ld/%ld" and rcu_kfree_callback forms
  CHECK(rj["cpus"] == 2);
  CHECK(rj["traced"]["grace_period_ns"]["count"] == 1);  // 10201 start .. 10204 end
  CHECK(rj["traced"]["latency_ns"]["count"] == 2);
  // The replayed calls come back in v6.6's names, at the traced times (trace-cmd's ns).
  const auto calls = queued(r.file("trace.txt"));
  REQUIRE(calls.at(0).size() == 2);
  CHECK(calls.at(0)[0].what == "file_free_rcu");
  CHECK(calls.at(0)[1].what == "offset 24");
  CHECK(calls.at(0)[1].ns == 1000);  // 1523.876502001 - 1523.876501234, to the microsecond
  CHECK(calls.at(1)[0].what == "delayed_put_task_struct");
}

TEST_CASE("replay: the scenario says what a traced function does") {
  const std::string base = write_scenario("replay-base", "base.toml", R"(
name = "base"
[[module]]
name = "mymod"
callbacks = [ { name = "free_dentry_rcu", kind = "nontrivial", struct_size = "128B" } ]
)");
  const Run r =
      replay(kData + "sample.txt", "--scenario " + base + " --set rcu.blimit=1", "replay-scenario");
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  CHECK(s["metrics"]["paths"]["nontrivial"]["queued"] == 1);
  CHECK(s["metrics"]["paths"]["trivial_kfree"]["queued"] == 6);
  CHECK(s["scenario"]["rcu"]["blimit"] == 1);
  const auto rj = nlohmann::json::parse(r.file("replay.json"));
  CHECK(rj["simulated"]["batch_limit"]["max"] == 1);
  // Too few CPUs for the trace is bad input.
  const Run few = replay(kData + "sample.txt", "--set machine.cpus=2", "replay-few");
  CHECK(few.exit_code == 2);
  CHECK(few.out.find("CPU 3") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(few.dir));
}

TEST_CASE("replay: RCU lines that do not parse are skipped and the first ones named") {
  std::string text =
      " bash-1 [000] d.... 1.000000: rcu_callback: rcu_sched rhp=00000000000000a0 func=foo 1\n";
  text += " bash-1 [000] d.... 1.000001: sched_switch: prev_comm=bash\n";
  for (int i = 0; i < 7; ++i)
    text += " bash-1 [000] d.... 1.000002: rcu_callback: rcu_sched rhp=oops\n";
  text +=
      " bash-1 [001] d.... 1.000005: rcu_kvfree_callback: rcu_sched rhp=00000000000000b0 func=9000 "
      "2\n";
  const Run r = replay(write_file("bad-lines.txt", text), "", "bad-lines");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("8 RCU event lines skipped") != std::string::npos);
  CHECK(r.out.find("line 3: rcu_callback") != std::string::npos);
  CHECK(r.out.find("... and 3 more") != std::string::npos);
  CHECK(r.out.find("sched_switch") == std::string::npos);  // other events: silently skipped
  const auto rj = nlohmann::json::parse(r.file("replay.json"));
  CHECK(rj["callbacks"] == 1);
  CHECK(rj["bad_lines"] == 8);
}

TEST_CASE("replay: traces that cannot be replayed exit 2, name the file, write nothing") {
  const std::string dat = write_file("trace.dat", std::string("\x17\x08\x44tracing6\0\0\0\0", 14));
  const std::string none =
      write_file("none.txt", " bash-1 [000] d.... 1.000000: sched_switch: x\n");
  const std::string prose = write_file("prose.txt", "not a trace\nat all\n");
  const std::string empty = write_file("empty.txt", "");
  const std::string gp_only = write_file(
      "gp.txt", " rcu_sched-15 [000] d..1. 1.000000: rcu_grace_period: rcu_sched 5 start\n");
  const std::pair<std::string, const char*> cases[] = {
      {dat, "trace-cmd report"},
      {none, "no rcu_callback or rcu_kvfree_callback event"},
      {prose, "not ftrace text"},
      {empty, "no rcu_callback or rcu_kvfree_callback event"},
      {gp_only, "no rcu_callback or rcu_kvfree_callback event"},
      {"/nonexistent/trace.txt", "cannot open"},
      {std::filesystem::temp_directory_path().string(), "is a directory"}};
  for (const auto& [path, why] : cases) {
    CAPTURE(path);
    const Run r = replay(path, "", "bad-trace");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(path) != std::string::npos);
    CHECK(r.out.find(why) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(r.dir));
  }
}

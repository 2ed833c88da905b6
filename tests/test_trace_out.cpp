// `rcusim run --trace`: trace.txt parses back as the kernel's trace file, trace.json is Trace
// Event Format with one track per CPU, the cap and the window drop what they should and say so,
// and without --trace every result file stays as it was.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "sim/engine/ftrace_out.hpp"
#include "sim/trace/ftrace_reader.hpp"
#include "tests/sim_run.hpp"

using namespace rcusim::test;
namespace ft = rcusim::ftrace;

namespace {

const std::string kSmoke2ms = "run scenarios/smoke.toml --set duration=2ms";

ft::FtraceRead read_trace(const Run& r) { return ft::read_ftrace(r.file("trace.txt")); }

std::size_t count_rows(const Run& r, const std::string& event) {
  std::size_t n = 0;
  for (const auto& row : events(r)) n += row.at("event") == event;
  return n;
}

}  // namespace

TEST_CASE("trace: trace.txt reads back as the kernel's trace file, event for event") {
  const Run r = run_cli(kSmoke2ms + " --trace ftrace", "trace-ftrace");
  REQUIRE(r.exit_code == 0);
  const std::string text = r.file("trace.txt");
  CHECK(text.rfind("# tracer: nop\n#\n# entries-in-buffer/entries-written: ", 0) == 0);
  CHECK(text.find("#P:4\n") != std::string::npos);
  const ft::FtraceRead t = read_trace(r);
  REQUIRE(t.ok());
  CHECK(t.bad == 0);
  CHECK(t.not_events == 0);
  CHECK(t.other_events > 0);  // softirq_entry / softirq_exit
  std::map<std::string, std::size_t> kinds;
  std::set<std::string> tasks;
  for (const ft::RcuRecord& e : t.events) {
    ++kinds[e.line.event];
    tasks.insert(e.line.comm + "-" + std::to_string(e.line.pid));
    CHECK(e.line.flags.size() == 5);
    CHECK(e.line.cpu < 4);
  }
  // The same callbacks and batches as events.csv (which may use the pre-v5.6 kfree names).
  CHECK(kinds["rcu_callback"] == count_rows(r, "rcu_callback"));
  CHECK(kinds["rcu_kvfree_callback"] ==
        count_rows(r, "rcu_kfree_callback") + count_rows(r, "rcu_kvfree_callback"));
  CHECK(kinds["rcu_invoke_callback"] == count_rows(r, "rcu_invoke_callback"));
  CHECK(kinds["rcu_batch_start"] == count_rows(r, "rcu_batch_start"));
  CHECK(kinds["rcu_grace_period"] == count_rows(r, "rcu_grace_period"));
  CHECK(kinds["rcu_callback"] > 10);
  // The workload's threads (pid 1000 + CPU), the idle task, and only those or ksoftirqd/N.
  CHECK(tasks.count("workload0-1000"));
  CHECK(tasks.count("<idle>-0"));
  for (const std::string& task : tasks) {
    CAPTURE(task);
    CHECK((task.rfind("workload0-100", 0) == 0 || task == "<idle>-0" ||
           task.rfind("ksoftirqd/", 0) == 0));
  }
  // Call sites' contexts: call_rcu() from task context with irqs off, invocations in softirq.
  for (const ft::RcuRecord& e : t.events) {
    if (e.line.event == "rcu_callback" && e.line.comm != "<idle>") CHECK(e.line.flags[0] == 'd');
    if (e.line.event == "rcu_invoke_callback") CHECK(e.line.flags[2] == 's');
  }
}

TEST_CASE("trace: scripted runs show the script, IPIs as hardirq, unmapped text as a number") {
  const Run r = run_cli("run scenarios/race/with_rcu_barrier.toml --trace ftrace", "trace-script");
  REQUIRE(r.exit_code == 0);
  const ft::FtraceRead t = read_trace(r);
  REQUIRE(t.ok());
  bool script = false, ipi = false, barrier = false;
  for (const ft::RcuRecord& e : t.events) {
    script |= e.line.comm == "script0" && e.line.pid == 1000;
    // rcu_barrier_func() queues its callback from the CALL_FUNCTION IPI.
    ipi |= e.line.event == "rcu_callback" &&
           e.line.fields.find("rcu_barrier_callback") != std::string::npos &&
           e.line.flags == "d.h..";
    barrier |= e.line.event == "rcu_barrier";
  }
  CHECK(script);
  CHECK(ipi);
  CHECK(barrier);

  const Run oops = run_cli("run scenarios/race/paul_a_to_e.toml --trace ftrace", "trace-oops");
  REQUIRE(oops.exit_code == 0);
  const std::string text = oops.file("trace.txt");
  CHECK(text.find("func=my_struct_release_rcu [mymod]") != std::string::npos);
  // Invoked after the unload: kallsyms no longer knows the address.
  CHECK(text.find("rcu_invoke_callback: rcu_sched rhp=") != std::string::npos);
  CHECK(text.find("func=0xffffffffa") != std::string::npos);
}

TEST_CASE("trace: without --trace every result file is as it was; with it only trace files add") {
  const Run plain = run_cli(kSmoke2ms, "trace-plain");
  const Run traced = run_cli(kSmoke2ms + " --trace ftrace,perfetto", "trace-both");
  REQUIRE(plain.exit_code == 0);
  REQUIRE(traced.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(plain.dir + "/trace.txt"));
  CHECK_FALSE(std::filesystem::exists(plain.dir + "/trace.json"));
  CHECK_FALSE(plain.summary().contains("trace"));
  for (const char* f : {"events.csv", "latencies.csv", "series.csv"}) {
    CAPTURE(f);
    CHECK(plain.file(f) == traced.file(f));
  }
  nlohmann::json s = traced.summary();
  REQUIRE(s.contains("trace"));
  CHECK(s["trace"]["files"] == nlohmann::json({"trace.txt", "trace.json"}));
  CHECK(s["trace"]["dropped"] == 0);
  CHECK(s["trace"]["events"].get<std::size_t>() > 100);
  s.erase("trace");
  CHECK(s == plain.summary());
}

TEST_CASE("trace: trace.json is Trace Event Format with one track per CPU") {
  const Run r = run_cli(kSmoke2ms + " --trace perfetto", "trace-json");
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(r.dir + "/trace.txt"));
  const nlohmann::json j = nlohmann::json::parse(r.file("trace.json"));
  REQUIRE(j["traceEvents"].is_array());
  std::map<int, std::string> tracks;  // tid -> thread name
  std::map<std::string, int> opened;  // async grace period id -> b minus e
  std::multiset<std::string> slices, instants;
  std::map<int, std::vector<std::pair<double, double>>> spans;  // tid -> [ts, ts + dur)
  for (const auto& e : j["traceEvents"]) {
    const std::string ph = e["ph"];
    CHECK(e["pid"] == 1);
    if (ph == "M") {
      if (e["name"] == "thread_name") tracks[e["tid"]] = e["args"]["name"];
      continue;
    }
    REQUIRE(e["ts"].is_number());
    CHECK(e["ts"].get<double>() >= 0);
    if (ph == "X") {
      CHECK(e["dur"].get<double>() >= 0);
      slices.insert(e["name"].get<std::string>());
      spans[e["tid"]].push_back({e["ts"], e["ts"].get<double>() + e["dur"].get<double>()});
    } else if (ph == "b" || ph == "e") {
      CHECK(e["cat"] == "rcu");
      opened[e["id"]] += ph == "b" ? 1 : -1;
    } else {
      REQUIRE(ph == "i");
      instants.insert(e["name"].get<std::string>());
    }
  }
  CHECK(tracks ==
        std::map<int, std::string>{{1, "CPU 0"}, {2, "CPU 1"}, {3, "CPU 2"}, {4, "CPU 3"}});
  for (const char* s : {"RCU softirq", "rcu_do_batch", "read-side critical section"}) {
    CAPTURE(s);
    CHECK(slices.count(s) > 0);
  }
  for (const char* s : {"call_rcu", "kfree_rcu", "invoke", "invoke kvfree"}) {
    CAPTURE(s);
    CHECK(instants.count(s) > 0);
  }
  CHECK(opened.size() >= 1);
  for (const auto& [id, n] : opened) CHECK(n == 0);  // every grace period began and ended
  // Slices on one CPU nest: none starts inside another and ends after it.
  for (auto& [tid, v] : spans) {
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    std::vector<double> ends;
    for (const auto& [b, e] : v) {
      while (!ends.empty() && ends.back() <= b + 1e-6) ends.pop_back();  // ts + dur in doubles
      if (!ends.empty()) CHECK(e <= ends.back() + 1e-6);
      ends.push_back(e);
    }
  }
}

TEST_CASE("trace: the cap ends the trace where it is reached, with a warning and a count") {
  const Run r = run_cli(kSmoke2ms + " --trace ftrace --trace-cap 200", "trace-cap");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("the cap of 200 events was reached") != std::string::npos);
  const auto s = r.summary()["trace"];
  CHECK(s["dropped"].get<std::uint64_t>() > 0);
  CHECK(s["events"].get<std::uint64_t>() <= 200);
  REQUIRE(s["cut_ns"].is_number());
  const ft::FtraceRead t = read_trace(r);
  REQUIRE(t.ok());
  CHECK(t.rcu_events + t.other_events <= 200);
  CHECK(t.rcu_events > 0);
  for (const ft::RcuRecord& e : t.events)
    CHECK(e.line.ts_ns < s["cut_ns"].get<std::int64_t>() + 1000);
  const std::string text = r.file("trace.txt");
  const auto written = text.find("entries-in-buffer/entries-written: ");
  REQUIRE(written != std::string::npos);
  CHECK(text.find(
            fmt::format("/{}", t.rcu_events + t.other_events + s["dropped"].get<std::uint64_t>())) <
        text.find('\n', written));
}

TEST_CASE("trace: the window keeps only its events") {
  const Run r =
      run_cli(kSmoke2ms + " --trace ftrace --trace-ns --trace-window 1ms,1500us", "trace-window");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("cap") == std::string::npos);  // a window is asked for: no warning
  const auto s = r.summary()["trace"];
  CHECK(s["outside_window"].get<std::uint64_t>() > 0);
  CHECK(s["window_ns"] == nlohmann::json({1000000, 1500000}));
  const ft::FtraceRead t = read_trace(r);
  REQUIRE(t.ok());
  REQUIRE(t.rcu_events > 0);
  for (const ft::RcuRecord& e : t.events) {
    CHECK(e.line.ts_ns >= 1'000'000);
    CHECK(e.line.ts_ns < 1'500'000);
  }
}

TEST_CASE("trace: bad --trace options exit 2 and write nothing") {
  for (const char* opt : {"--trace systrace", "--trace-window 2ms", "--trace-window 2ms,1ms",
                          "--trace-window 1parsec,2ms", "--trace-cap 0"}) {
    CAPTURE(opt);
    const Run r = run_cli(kSmoke2ms + " --trace ftrace " + opt, "trace-bad");
    CHECK(r.exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(r.dir));
  }
}

TEST_CASE("trace: each tracepoint's text and flags, Tree RCU's node events included") {
  using rcusim::EventCtx, rcusim::ftrace_row, rcusim::ftrace_text, rcusim::ftrace_flags;
  rcusim::Recorded r{};
  r.cpu = 2;
  r.gp = 8805;
  r.level = 1, r.grplo = 0, r.grphi = 15, r.mask = 0x4, r.qsmask = 0xff;
  std::int64_t bl = 0;
  const auto text = [&](const char* ev, std::string_view detail = "") {
    const rcusim::FtraceRow* row = ftrace_row(ev);
    REQUIRE(row);
    const rcusim::FtraceText t = ftrace_text(*row, r, {detail, "file_free_rcu", &bl});
    return t.event + ": " + t.fields;
  };
  // Looked up by name: rows for events a flavour may not emit yet, and both kfree names.
  CHECK(text("rcu_grace_period_init") == "rcu_grace_period_init: rcu_sched 8805 1 0 15 ff");
  CHECK(text("rcu_quiescent_state_report") ==
        "rcu_quiescent_state_report: rcu_sched 8805 4>ff 1 0 15 0");
  r.count = 3;
  CHECK(text("rcu_fqs", "dti") == "rcu_fqs: rcu_sched 8805 3 dti");
  r.head = 0xffff888000001230, r.func = 16, r.qlen = 7;
  CHECK(text("rcu_kfree_callback") ==
        "rcu_kvfree_callback: rcu_sched rhp=ffff888000001230 func=16 7");
  CHECK(text("rcu_kvfree_callback") == text("rcu_kfree_callback"));
  CHECK(text("rcu_callback") ==
        "rcu_callback: rcu_sched rhp=ffff888000001230 func=file_free_rcu 7");
  // rcu_batch_end's 'C': the batch stopped at the limit of its rcu_batch_start, callbacks left.
  r.qlen = 25, r.count = 10;
  CHECK(text("rcu_batch_start") == "rcu_batch_start: rcu_sched CBs=25 bl=10");
  r.qlen = 15;
  r.ctx.task = rcusim::TaskKind::idle;
  CHECK(text("rcu_batch_end") == "rcu_batch_end: rcu_sched CBs-invoked=10 idle=C.I.");
  CHECK(text("rcu_barrier", "start") == "rcu_barrier: rcu_sched Begin cpu -1 remaining 0 # 8805");
  CHECK(text("softirq_entry") == "softirq_entry: vec=9 [action=RCU]");
  for (const char* none : {"rcu_donelist", "rcu_force_qs", "busy", "note", "read_lock"})
    CHECK(ftrace_row(none) == nullptr);

  EventCtx c;
  CHECK(ftrace_flags(*ftrace_row("rcu_grace_period"), c) == "d..1.");  // the kthread's, locked
  CHECK(ftrace_flags(*ftrace_row("rcu_invoke_callback"), c) == ".....");
  c.softirq = true;
  CHECK(ftrace_flags(*ftrace_row("rcu_invoke_callback"), c) == "..s..");
  c.hardirq = true, c.need_resched = true;
  CHECK(ftrace_flags(*ftrace_row("rcu_callback"), c) == "dNH..");  // a tick inside a softirq
  c = EventCtx{};
  c.bh_off = true, c.preempt_off = true;
  CHECK(ftrace_flags(*ftrace_row("rcu_invoke_callback"), c) == "b..1.");
  CHECK(ftrace_flags(*ftrace_row("rcu_callback"), c) == "D..1.");
}

// sim/trace: ftrace text written as a v6.6 kernel prints it, and read back (older forms too).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/trace/ftrace_format.hpp"
#include "sim/trace/ftrace_reader.hpp"

using namespace rcusim::ftrace;

namespace {

const std::string kData = std::string(RCUSIM_SOURCE_DIR) + "/tests/data/ftrace/";

FtraceLine ctx(std::string comm = "rcu_preempt", int pid = 16, int cpu = 3,
               std::string flags = "d..1.", std::int64_t ts_ns = 1'234'567'890'123) {
  FtraceLine l;
  l.comm = std::move(comm);
  l.pid = pid;
  l.cpu = cpu;
  l.flags = std::move(flags);
  l.ts_ns = ts_ns;
  return l;
}

RcuPtr hashed(std::uint64_t v) { return RcuPtr{v, {}}; }

// One event of each kind and its TP_printk() text, written by hand from
// include/trace/events/rcu.h (v6.6).
struct Sample {
  RcuFields fields;
  std::string text;
};
std::vector<Sample> samples() {
  return {
      {GracePeriod{"rcu_preempt", 8, "start"}, "rcu_grace_period: rcu_preempt 8 start"},
      {GracePeriod{"rcu_preempt", -1199, "cpuqs"}, "rcu_grace_period: rcu_preempt -1199 cpuqs"},
      {GracePeriodInit{"rcu_preempt", 8, 0, 0, 7, 0xff},
       "rcu_grace_period_init: rcu_preempt 8 0 0 7 ff"},
      {QuiescentStateReport{"rcu_preempt", 8, 0x4, 0xb, 1, 0, 3, 0},
       "rcu_quiescent_state_report: rcu_preempt 8 4>b 1 0 3 0"},
      {Fqs{"rcu_sched", 12, 2, "dti"}, "rcu_fqs: rcu_sched 12 2 dti"},
      {Callback{"rcu_preempt", hashed(0xd0f0dde5), "file_free_rcu", 12},
       "rcu_callback: rcu_preempt rhp=00000000d0f0dde5 func=file_free_rcu 12"},
      {KvfreeCallback{"rcu_preempt", hashed(0x1234abcd5678ef90), 16, 3},
       "rcu_kvfree_callback: rcu_preempt rhp=1234abcd5678ef90 func=16 3"},
      {BatchStart{"rcu_preempt", 3613, 28}, "rcu_batch_start: rcu_preempt CBs=3613 bl=28"},
      {InvokeCallback{"rcu_preempt", hashed(0x1), "rcu_torture_cb [rcutorture]"},
       "rcu_invoke_callback: rcu_preempt rhp=0000000000000001 func=rcu_torture_cb [rcutorture]"},
      {InvokeCallback{"rcu_preempt", RcuPtr{0, "(____ptrval____)"}, "i_callback.cfi_jt"},
       "rcu_invoke_callback: rcu_preempt rhp=(____ptrval____) func=i_callback.cfi_jt"},
      {InvokeKvfreeCallback{"rcu_preempt", hashed(0xd0f0dde5), 24},
       "rcu_invoke_kvfree_callback: rcu_preempt rhp=00000000d0f0dde5 func=24"},
      {InvokeKfreeBulkCallback{"rcu_preempt", hashed(0xd0f0dde5), 6},
       "rcu_invoke_kfree_bulk_callback: rcu_preempt bulk=0x00000000d0f0dde5 nr_records=6"},
      {BatchEnd{"rcu_preempt", 3612, "...."},
       "rcu_batch_end: rcu_preempt CBs-invoked=3612 idle=...."},
      {BatchEnd{"rcu_sched", 0, "CS.R"}, "rcu_batch_end: rcu_sched CBs-invoked=0 idle=CS.R"},
      {Barrier{"rcu_preempt", "Begin", -1, 0, 4},
       "rcu_barrier: rcu_preempt Begin cpu -1 remaining 0 # 4"},
  };
}

// comm right-aligned in 16, "-", pid left-aligned in 7, " [003] ", flags, " %5lu.%06lu: ".
const std::string kCtx = "     rcu_preempt-16      [003] d..1.  1234.567890: ";

LineResult parsed(std::string_view line) { return parse_line(line); }

}  // namespace

TEST_CASE("ftrace real lines: every fixture line parses") {
  FtraceRead r = read_ftrace_file(kData + "real-lines.txt");
  REQUIRE(r.ok());
  CHECK(r.bad == 0);
  CHECK(r.comments == 3);
  REQUIRE(r.events.size() == 4);

  const RcuRecord& bulk = r.events[0];
  CHECK(bulk.line_no == 2);
  CHECK(bulk.line.comm == "kworker/3:3");
  CHECK(bulk.line.pid == 507);
  CHECK(bulk.line.cpu == 3);
  CHECK(bulk.line.flags == "....");
  CHECK(bulk.line.ts_ns == 470'286'305'000);
  CHECK(bulk.fields == RcuFields{InvokeKfreeBulkCallback{"rcu_preempt", hashed(0xd0f0dde5), 6}});

  const RcuRecord& rcuop = r.events[1];
  CHECK(rcuop.line.comm == "rcuop/5");
  CHECK(rcuop.line.pid == 55);
  CHECK(rcuop.line.cpu == 4);
  CHECK(rcuop.line.flags == "d..1");
  CHECK(rcuop.line.ts_ns == 1'843'112'442'000);
  CHECK(rcuop.fields == RcuFields{BatchStart{"rcu_preempt", 16007, 125}});

  CHECK(r.events[2].line.comm == "<...>");
  CHECK(r.events[2].line.flags == "d..1.");
  CHECK(r.events[2].line.ts_ns == 21'950'145'313'000);
  CHECK(r.events[2].fields == RcuFields{BatchStart{"rcu_preempt", 3613, 28}});
  CHECK(r.events[3].fields == RcuFields{BatchEnd{"rcu_preempt", 3612, "...."}});
}

TEST_CASE("ftrace format: each event's line, exactly as the kernel prints it") {
  for (const Sample& s : samples()) {
    CAPTURE(s.text);
    CHECK(format_line(ctx(), s.fields) == kCtx + s.text);
  }
}

TEST_CASE("ftrace format: the context columns") {
  // Nearest microsecond (ns2usecs()), seconds padded to 5.
  CHECK(format_context(ctx("ksoftirqd/0", 15, 0, "..s1.", 1'500)) ==
        "     ksoftirqd/0-15      [000] ..s1.     0.000002: ");
  CHECK(format_context(ctx("a", 1234567, 12, "....", 99'999'999'999'499)) ==
        "               a-1234567 [012] .... 99999.999999: ");
  // No flags column, comm of 16 bytes or more, 9-digit pid, nanoseconds.
  CHECK(format_context(ctx("a-very-long-comm", 123456789, 1234, "", 5'000'000'001), TimeUnit::ns) ==
        "a-very-long-comm-123456789 [1234]      5.000000001: ");
  // Padding counts bytes, as printf does, not display width.
  CHECK(format_context(ctx("\xc3\xa9t\xc3\xa9", 7, 1, "")).substr(0, 17) ==
        "           \xc3\xa9t\xc3\xa9-");
}

TEST_CASE("ftrace format: latency flags as trace_print_lat_fmt() prints them") {
  CHECK(format_lat_flags({}) == ".....");
  CHECK(format_lat_flags({'d', '.', 's', 1, 0}) == "d.s1.");
  CHECK(format_lat_flags({'D', 'N', 'h', 0x1b, 2}) == "DNhb2");
}

TEST_CASE("ftrace format: the v6.6 header for the nop tracer") {
  const std::string expected =
      "# tracer: nop\n"
      "#\n"
      "# entries-in-buffer/entries-written: 13/13   #P:12\n"
      "#\n"
      "#                                _-----=> irqs-off/BH-disabled\n"
      "#                               / _----=> need-resched\n"
      "#                              | / _---=> hardirq/softirq\n"
      "#                              || / _--=> preempt-depth\n"
      "#                              ||| / _-=> migrate-disable\n"
      "#                              |||| /     delay\n"
      "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
      "#              | |         |   |||||     |         |\n";
  CHECK(format_header(13, 13, 12) == expected);
  FtraceRead r = read_ftrace(expected);
  CHECK(r.ok());
  CHECK(r.comments == 12);
  CHECK(r.events.empty());
}

TEST_CASE("ftrace round trip: format then parse gives every kind back") {
  for (TimeUnit unit : {TimeUnit::us, TimeUnit::ns}) {
    for (const Sample& s : samples()) {
      FtraceLine c = ctx("kworker/u16:2-ev", 123, 7, "d..1.", 987'654'321'000);
      std::string text = format_line(c, s.fields, unit);
      CAPTURE(text);
      LineResult r = parse_line(text);
      REQUIRE(r.kind == LineKind::rcu);
      CHECK(*r.fields == s.fields);
      CHECK(r.line.comm == c.comm);
      CHECK(r.line.pid == c.pid);
      CHECK(r.line.cpu == c.cpu);
      CHECK(r.line.flags == c.flags);
      CHECK(r.line.ts_ns == c.ts_ns);
      CHECK(r.line.event == event_name(s.fields));
      CHECK(format_raw_line(r.line, unit) == text);
    }
  }
}

TEST_CASE("ftrace round trip: a written trace file reads back") {
  std::vector<RcuRecord> recs;
  std::int64_t t = 1'000;
  for (const Sample& s : samples())
    recs.push_back({0, ctx("rcuc/3", 30, 3, "..s1.", t += 7'000), s.fields});
  std::ostringstream os;
  write_trace(os, recs, 4);
  FtraceRead r = read_ftrace(os.str());
  REQUIRE(r.ok());
  CHECK(r.comments == 12);
  REQUIRE(r.events.size() == recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    CHECK(r.events[i].line_no == 13 + i);
    CHECK(r.events[i].fields == recs[i].fields);
    CHECK(r.events[i].line.ts_ns == recs[i].line.ts_ns);
  }
}

TEST_CASE("ftrace reader: older kernels' and trace-cmd's forms") {
  auto fields_of = [](std::string_view line) {
    LineResult r = parse_line(line);
    CAPTURE(line);
    CAPTURE(r.reason);
    REQUIRE(r.kind == LineKind::rcu);
    return *r.fields;
  };
  // Before v5.6: "%ld/%ld" lazy/total queue lengths and the kfree names.
  CHECK(fields_of("x-1 [000] .... 1.000000: rcu_callback: rcu_sched rhp=00000000aa func=f 3/17") ==
        RcuFields{Callback{"rcu_sched", hashed(0xaa), "f", 17}});
  CHECK(fields_of("x-1 [000] .... 1.000000: rcu_kfree_callback: rcu_sched rhp=0000000000000010 "
                  "func=16 0/5") == RcuFields{KvfreeCallback{"rcu_sched", hashed(0x10), 16, 5}});
  CHECK(fields_of("x-1 [000] .... 1.000000: rcu_invoke_kfree_callback: rcu_sched "
                  "rhp=0000000000000010 func=24") ==
        RcuFields{InvokeKvfreeCallback{"rcu_sched", hashed(0x10), 24}});
  CHECK(fields_of("x-1 [000] .... 1.000000: rcu_batch_start: rcu_sched CBs=0/12 bl=10") ==
        RcuFields{BatchStart{"rcu_sched", 12, 10}});
  // rcu_batch_end without idle flags (v3.2) and with another count of them.
  CHECK(fields_of("x-1 [000] .... 1.000000: rcu_batch_end: rcu_sched CBs-invoked=3") ==
        RcuFields{BatchEnd{"rcu_sched", 3, ""}});
  CHECK(fields_of("x-1 [000] .... 1.000000: rcu_batch_end: rcu_sched CBs-invoked=3 idle=C.I") ==
        RcuFields{BatchEnd{"rcu_sched", 3, "C.I"}});
  // gp_seq printed with %lu: the (long) cast of the value.
  CHECK(fields_of("x-1 [000] .... 1.000000: rcu_grace_period: rcu_preempt 18446744073709550417 "
                  "start") == RcuFields{GracePeriod{"rcu_preempt", -1199, "start"}});
  // trace-cmd report: no flags column, padded event name, raw "0x" pointers, nanoseconds.
  LineResult tc = parsed(
      "          <idle>-0     [001]  1234.567890123: rcu_invoke_callback:  "
      "rcu_preempt rhp=0xffff888100a3c000 func=file_free_rcu.constprop.0  ");
  REQUIRE(tc.kind == LineKind::rcu);
  CHECK(tc.line.comm == "<idle>");
  CHECK(tc.line.flags.empty());
  CHECK(tc.line.ts_ns == 1'234'567'890'123);
  CHECK(*tc.fields == RcuFields{InvokeCallback{"rcu_preempt", hashed(0xffff888100a3c000),
                                               "file_free_rcu.constprop.0"}});
  CHECK(fields_of("x-1 [000] 1.000000: rcu_invoke_kfree_bulk_callback: rcu_preempt "
                  "bulk=0x0xffff888100a3c000 nr_records=3") ==
        RcuFields{InvokeKfreeBulkCallback{"rcu_preempt", hashed(0xffff888100a3c000), 3}});
  // record-tgid column, a comm with spaces and dashes, CRLF.
  LineResult tg = parsed(
      "  my-prog name-42      (     40) [002] d..1. 5.000001: rcu_fqs: "
      "rcu_sched 12 3 kick\r");
  REQUIRE(tg.kind == LineKind::rcu);
  CHECK(tg.line.comm == "my-prog name");
  CHECK(tg.line.pid == 42);
  CHECK(*tg.fields == RcuFields{Fqs{"rcu_sched", 12, 3, "kick"}});
}

TEST_CASE("ftrace reader: each line's kind") {
  CHECK(parse_line("").kind == LineKind::comment);
  CHECK(parse_line("#").kind == LineKind::comment);
  CHECK(parse_line("cpus=8").kind == LineKind::comment);
  CHECK(parse_line("CPU:2 [LOST 118 EVENTS]").kind == LineKind::comment);
  CHECK(parse_line("bash-1 [000] d..2. 1.000000: sched_switch: prev_comm=bash").kind ==
        LineKind::other_event);
  CHECK(parse_line("rcu_gp-3 [000] ..... 1.000000: rcu_utilization: Start scheduler-tick").kind ==
        LineKind::other_event);
  CHECK(parse_line("bash-1 [000] ..... 1.000000: do_sys_open <-__x64_sys_openat").kind ==
        LineKind::other_event);
  CHECK(parse_line("hello world").kind == LineKind::not_event);

  LineResult f = parse_line("x-1 [000] .... 1.000000: rcu_batch_start: rcu_sched CBs=x bl=10");
  CHECK(f.kind == LineKind::bad);
  CHECK(f.reason == "rcu_batch_start: queue length expected, got 'x'");
  LineResult g = parse_line("x-1 [000] .... 1.000000: rcu_grace_period: rcu_sched 5 start extra");
  CHECK(g.reason == "rcu_grace_period: end of fields expected, got 'extra'");
  LineResult ts = parse_line("x-1 [000] .... 1.0000001: rcu_batch_start: rcu_sched CBs=1 bl=10");
  CHECK(ts.kind == LineKind::bad);
  CHECK(ts.reason ==
        "rcu_batch_start line: timestamp '1.0000001' is not <seconds>.<6 or 9 digits>");
  CHECK(parse_line("garbage rcu_barrier: x").kind == LineKind::bad);
  CHECK(parse_line("garbage xrcu_barrier: x").kind == LineKind::not_event);
  CHECK(parse_line(std::string(kMaxLine + 1, 'a')).kind == LineKind::bad);
}

TEST_CASE("ftrace reader: whole streams") {
  const std::string good = "x-1 [000] .... 1.000000: rcu_batch_start: rcu_sched CBs=1 bl=10\n";
  const std::string bad = "x-1 [000] .... 1.000000: rcu_batch_start: rcu_sched CBs=? bl=10\n";

  SUBCASE("bad lines are counted, the first few described with their line numbers") {
    std::string text = "# tracer: nop\n" + good;
    for (int i = 0; i < 7; ++i) text += bad;
    text += std::string(kMaxLine + 10, 'z') + "\n" + good;  // an overlong line, then more
    FtraceRead r = read_ftrace(text, ReadOptions{3});
    CHECK(r.ok());
    CHECK(r.lines == 11);
    CHECK(r.bad == 8);
    REQUIRE(r.first_bad.size() == 3);
    CHECK(r.first_bad[0].line_no == 3);
    CHECK(r.first_bad[0].reason == "rcu_batch_start: queue length expected, got '?'");
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[1].line_no == 11);
  }
  SUBCASE("chunked input, a byte at a time, reads as one piece") {
    std::string text = "# c\n" + good + "sched-2 [001] .... 2.000000: sched_wakeup: x\n" + bad +
                       good.substr(0, good.size() - 1);  // no final newline
    FtraceReader rd;
    for (char c : text) rd.feed(std::string_view(&c, 1));
    FtraceRead a = rd.finish();
    FtraceRead b = read_ftrace(text);
    CHECK(a.lines == 5);
    CHECK(a.lines == b.lines);
    CHECK(a.events == b.events);
    CHECK(a.other_events == 1);
    CHECK(a.bad == 1);
  }
  SUBCASE("a sink takes the events") {
    std::istringstream in(good + good);
    std::size_t n = 0;
    FtraceRead r = read_ftrace(in, {}, [&](RcuRecord&& rec) { n += rec.line_no; });
    CHECK(n == 3);
    CHECK(r.rcu_events == 2);
    CHECK(r.events.empty());
  }
  SUBCASE("binary and foreign input") {
    using namespace std::string_literals;
    FtraceRead dat = read_ftrace("\x17\x08\x44tracing6\0"s + good);
    CHECK(dat.input == Input::trace_dat);
    CHECK(dat.message.find("trace-cmd report") != std::string::npos);
    CHECK(read_ftrace("\x1f\x8b\x08\x00"s).input == Input::compressed);
    CHECK(read_ftrace(good + "\0"s + good).input == Input::binary);
    FtraceRead prose = read_ftrace("Dear reader,\nthis is no trace.\n");
    CHECK(prose.input == Input::not_ftrace);
    CHECK(prose.message.find("line 1") != std::string::npos);
    CHECK(read_ftrace("").ok());
    CHECK(read_ftrace("# tracer: nop\n\n").ok());
  }
  SUBCASE("files that cannot be read") {
    CHECK_THROWS_AS(read_ftrace_file(kData + "no-such-file.txt"), FtraceError);
    CHECK_THROWS_AS(read_ftrace_file(kData), FtraceError);
  }
}

// Linux ftrace text, as data: one line of /sys/kernel/tracing/trace (or `trace-cmd report`) and
// the RCU tracepoints of include/trace/events/rcu.h (v6.6), field for field. Field names follow
// each event's TP_STRUCT__entry. The writer (ftrace_format.hpp) prints these exactly as the
// kernel does; the reader (ftrace_reader.hpp) decodes them, older kernels' forms included.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace rcusim::ftrace {

// The context every line carries: trace_print_context(), kernel/trace/trace_output.c, v6.6.
struct FtraceLine {
  std::string comm;  // "<...>" when the pid's comm was not recorded
  int pid = 0;
  int cpu = 0;
  std::string flags;       // latency flags ("d..1." / "d..1"); empty when the column is absent
  std::int64_t ts_ns = 0;  // from the decimal seconds text, exactly
  std::string event;       // tracepoint name as printed (older names kept)
  std::string fields;      // the TP_printk() text, raw
  bool operator==(const FtraceLine&) const = default;
};

// A %p value. Kernels print it hashed as 16 hex digits (an opaque 64-bit value, kept as such);
// text holds anything else, e.g. "(____ptrval____)" before the hash key is ready.
struct RcuPtr {
  std::uint64_t value = 0;
  std::string text;  // empty when value holds the pointer
  bool operator==(const RcuPtr&) const = default;
};

struct GracePeriod {  // rcu_grace_period "%s %ld %s"
  std::string rcuname;
  std::int64_t gp_seq = 0;
  std::string gpevent;  // start, cpuqs, end, ... (any word)
  bool operator==(const GracePeriod&) const = default;
};
struct GracePeriodInit {  // rcu_grace_period_init "%s %ld %u %d %d %lx"
  std::string rcuname;
  std::int64_t gp_seq = 0;
  unsigned level = 0;
  int grplo = 0, grphi = 0;
  std::uint64_t qsmask = 0;
  bool operator==(const GracePeriodInit&) const = default;
};
struct QuiescentStateReport {  // rcu_quiescent_state_report "%s %ld %lx>%lx %u %d %d %u"
  std::string rcuname;
  std::int64_t gp_seq = 0;
  std::uint64_t mask = 0, qsmask = 0;
  unsigned level = 0;
  int grplo = 0, grphi = 0;
  unsigned gp_tasks = 0;
  bool operator==(const QuiescentStateReport&) const = default;
};
struct Fqs {  // rcu_fqs "%s %ld %d %s"
  std::string rcuname;
  std::int64_t gp_seq = 0;
  int cpu = 0;
  std::string qsevent;  // dti, kick, ...
  bool operator==(const Fqs&) const = default;
};
struct Callback {  // rcu_callback "%s rhp=%p func=%ps %ld"
  std::string rcuname;
  RcuPtr rhp;
  std::string func;  // the symbol text exactly, suffixes and " [module]" kept
  std::int64_t qlen = 0;
  bool operator==(const Callback&) const = default;
};
struct KvfreeCallback {  // rcu_kvfree_callback "%s rhp=%p func=%ld %ld"
  std::string rcuname;
  RcuPtr rhp;
  std::int64_t offset = 0;
  std::int64_t qlen = 0;
  bool operator==(const KvfreeCallback&) const = default;
};
struct BatchStart {  // rcu_batch_start "%s CBs=%ld bl=%ld"
  std::string rcuname;
  std::int64_t qlen = 0;
  std::int64_t blimit = 0;
  bool operator==(const BatchStart&) const = default;
};
struct InvokeCallback {  // rcu_invoke_callback "%s rhp=%p func=%ps"
  std::string rcuname;
  RcuPtr rhp;
  std::string func;
  bool operator==(const InvokeCallback&) const = default;
};
struct InvokeKvfreeCallback {  // rcu_invoke_kvfree_callback "%s rhp=%p func=%ld"
  std::string rcuname;
  RcuPtr rhp;
  std::int64_t offset = 0;
  bool operator==(const InvokeKvfreeCallback&) const = default;
};
struct InvokeKfreeBulkCallback {  // rcu_invoke_kfree_bulk_callback "%s bulk=0x%p nr_records=%lu"
  std::string rcuname;
  RcuPtr p;
  std::uint64_t nr_records = 0;
  bool operator==(const InvokeKfreeBulkCallback&) const = default;
};
struct BatchEnd {  // rcu_batch_end "%s CBs-invoked=%d idle=%c%c%c%c"
  std::string rcuname;
  int callbacks_invoked = 0;
  std::string idle;  // "C", "S", "I", "R" or '.' each; older kernels differ
  bool operator==(const BatchEnd&) const = default;
};
struct Barrier {  // rcu_barrier "%s %s cpu %d remaining %d # %lu"
  std::string rcuname;
  std::string s;  // Begin, EarlyExit, Inc1, OnlineQ, CB, LastCB, Inc2, ...
  int cpu = 0;
  int cnt = 0;  // remaining
  std::uint64_t done = 0;
  bool operator==(const Barrier&) const = default;
};

using RcuFields = std::variant<GracePeriod, GracePeriodInit, QuiescentStateReport, Fqs, Callback,
                               KvfreeCallback, BatchStart, InvokeCallback, InvokeKvfreeCallback,
                               InvokeKfreeBulkCallback, BatchEnd, Barrier>;

// The v6.6 tracepoint name of each alternative.
std::string_view event_name(const RcuFields& f);
// Which alternative an event name decodes to (v6.6 names and the pre-v5.6 kfree names, renamed
// by commit c408b215f58f); nullopt for every other event, RCU ones such as rcu_utilization
// included.
std::optional<std::size_t> rcu_event_index(std::string_view event);

// One decoded RCU event: its line's context (comm, pid, cpu, flags, ts_ns; event and fields
// as read) and its typed fields.
struct RcuRecord {
  std::size_t line_no = 0;  // 1-based; 0 when not read from a file
  FtraceLine line;
  RcuFields fields;
  bool operator==(const RcuRecord&) const = default;
};

}  // namespace rcusim::ftrace

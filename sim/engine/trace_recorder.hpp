// What `--trace` records for trace.txt and trace.json: a sink of the tracepoint hook that keeps
// each event with the context it fired in (which task ran, hardirq/softirq, bottom halves off,
// need-resched, preemption off), read from the CPU at emit time (emit is synchronous). Each CPU
// appends to its own buffer; the buffers are merged by (time, cpu, sequence) at the end, as the
// kernel's per-CPU ring buffers are when the `trace` file is read.
//
// Big runs: at most `cap` events are kept. The first event refused sets a cut time; at the end
// every event at or after the earliest refused one is dropped too, so the trace holds exactly
// the events before the cut. Events outside the time window are never stored.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/kernel/kernel.hpp"

namespace rcusim {

struct TraceOptions {
  bool ftrace = false;    // trace.txt
  bool perfetto = false;  // trace.json
  bool ns_times = false;  // trace.txt timestamps with 9 digits (`trace-cmd report -t`)
  std::uint64_t cap = 1'000'000;
  std::int64_t window_start_ns = 0;
  std::int64_t window_end_ns = -1;  // -1: to the end of the run
  bool any() const { return ftrace || perfetto; }
};

// Who ran when the event fired.
enum class TaskKind : std::uint8_t {
  idle,       // the idle task: <idle>-0
  task,       // the CPU's workload or script
  ksoftirqd,  // ksoftirqd/N
  kthread,    // a kthread with its own actor (the grace-period kthread); EventCtx::kthread names it
};

struct EventCtx {
  TaskKind task = TaskKind::idle;
  std::uint16_t kthread = 0;  // index into TraceRecorder::kthread_name()
  bool hardirq = false, softirq = false, bh_off = false, need_resched = false;
  bool preempt_off = false;    // in a read-side critical section (rcu_read_lock(), non-preemptible)
  bool func_unmapped = false;  // the event's function address was in no mapped text
};

struct Recorded {
  std::int64_t time;  // cycles
  std::int32_t cpu;
  Ev ev;
  EventCtx ctx;
  std::uint32_t text;  // detail, interned (0: none)
  std::int64_t gp;
  Addr head, func;
  std::int64_t qlen, count;
  std::int32_t level, grplo, grphi;
  std::uint64_t mask, qsmask;
};

// The merged trace, and what it lost.
struct RecordedTrace {
  std::vector<Recorded> events;
  std::uint64_t dropped = 0;  // by the cap
  std::uint64_t outside_window = 0;
  std::int64_t cut_ns = -1;  // the cap's cut time, -1 when nothing was dropped
};

class TraceRecorder final : public EventSink {
 public:
  TraceRecorder(Kernel& k, const TraceOptions& opt);
  // The kinds the chosen writers use.
  EvMask kinds() const;
  void on_event(const TraceEvent& e) override;
  // The name of the task each CPU runs ("workload0", "script1"; empty: it only idles).
  void set_task_names(std::vector<std::string> per_cpu) { task_names_ = std::move(per_cpu); }

  RecordedTrace finish() const;
  const std::string& text(std::uint32_t i) const { return texts_[i]; }
  const std::string& kthread_name(std::uint16_t i) const { return kthreads_[i]; }
  // The comm and pid the trace shows for an event's task (see trace_recorder.cpp).
  std::pair<std::string, int> comm_pid(const Recorded& r) const;
  // The event's function as "%ps" prints it: "name", "name [module]" for module text, the
  // number for an address in no mapped text (kallsyms finds nothing there).
  std::string symbol(const Recorded& r) const;
  const TraceOptions& options() const { return opt_; }
  const Kernel& kernel() const { return k_; }

 private:
  EventCtx context(const TraceEvent& e);
  std::uint32_t intern(std::string_view s);
  Kernel& k_;
  TraceOptions opt_;
  std::vector<std::vector<Recorded>> per_cpu_;
  std::uint64_t stored_ = 0, dropped_ = 0, outside_ = 0;
  std::int64_t first_dropped_ = -1;  // cycles
  std::vector<std::string> texts_{""};
  std::unordered_map<std::string, std::uint32_t> text_ids_;
  std::vector<std::string> kthreads_;
  std::vector<std::string> task_names_;
};

}  // namespace rcusim

#include "sim/engine/trace_recorder.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <queue>
#include <simgrid/s4u/Actor.hpp>

namespace rcusim {
namespace {

// CPU actors are "cpu<N>" (engine.cpp); any other actor that emits is a kthread, named as the
// kernel names it ("rcu_sched").
bool is_cpu_actor(const std::string& name) {
  return name.size() > 3 && name.compare(0, 3, "cpu") == 0 &&
         std::all_of(name.begin() + 3, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool names_function(Ev e) { return e == Ev::rcu_callback || e == Ev::rcu_invoke_callback; }

// Pids: the idle task is 0 (trace output shows it as <idle>); kthreads with their own actor
// from 14 in order of first event, as early kthreads get low pids; per-CPU kthreads in a block
// of 8 per CPU from 32 (ksoftirqd/N at 34 + 8N); the CPU's own task 1000 + N.
constexpr int kFirstKthreadPid = 14;
constexpr int kPerCpuPid = 32, kPerCpuStride = 8, kKsoftirqdSlot = 2;
constexpr int kTaskPid = 1000;

}  // namespace

TraceRecorder::TraceRecorder(Kernel& k, const TraceOptions& opt)
    : k_(k), opt_(opt), per_cpu_(static_cast<std::size_t>(k.ncpus())) {}

EvMask TraceRecorder::kinds() const {
  EvMask m = kAllEvents & ~ev_bit(Ev::note);
  if (!opt_.perfetto)  // trace.txt takes the task from the context, not from these
    m &= ~(ev_bit(Ev::read_lock) | ev_bit(Ev::read_unlock) | ev_bit(Ev::kthread_begin) |
           ev_bit(Ev::kthread_end));
  return m;
}

EventCtx TraceRecorder::context(const TraceEvent& e) {
  EventCtx c;
  if (names_function(e.ev)) c.func_unmapped = !k_.syms.resolve(e.func);
  const simgrid::s4u::Actor* self = simgrid::s4u::Actor::self();
  if (self && !is_cpu_actor(self->get_name())) {
    const std::string& name = self->get_name();
    auto it = std::find(kthreads_.begin(), kthreads_.end(), name);
    c.task = TaskKind::kthread;
    c.kthread = static_cast<std::uint16_t>(it - kthreads_.begin());
    if (it == kthreads_.end()) kthreads_.push_back(name);
    return c;
  }
  Cpu& cpu = k_.cpu(e.cpu);
  c.hardirq = cpu.in_hardirq();
  c.softirq = cpu.in_softirq();
  c.need_resched = cpu.need_resched();
  c.bh_off = cpu.ctx() == TaskCtx::busy;
  c.preempt_off = cpu.ctx() == TaskCtx::reader;
  c.task = cpu.in_ksoftirqd()           ? TaskKind::ksoftirqd
           : cpu.ctx() == TaskCtx::idle ? TaskKind::idle
                                        : TaskKind::task;
  return c;
}

std::uint32_t TraceRecorder::intern(std::string_view s) {
  if (s.empty()) return 0;
  auto [it, fresh] =
      text_ids_.try_emplace(std::string(s), static_cast<std::uint32_t>(texts_.size()));
  if (fresh) texts_.emplace_back(s);
  return it->second;
}

void TraceRecorder::on_event(const TraceEvent& e) {
  if (e.cpu < 0 || e.cpu >= k_.ncpus()) return;
  const std::int64_t ns = k_.freq.to_ns(Cycles{e.time});
  if (ns < opt_.window_start_ns || (opt_.window_end_ns >= 0 && ns >= opt_.window_end_ns)) {
    ++outside_;
    return;
  }
  if (stored_ >= opt_.cap) {
    ++dropped_;
    if (first_dropped_ < 0 || e.time < first_dropped_) first_dropped_ = e.time;
    return;
  }
  ++stored_;
  per_cpu_[static_cast<std::size_t>(e.cpu)].push_back(
      {e.time, e.cpu, e.ev, context(e), intern(e.detail), e.gp, e.head, e.func, e.qlen, e.count,
       e.level, e.grplo, e.grphi, e.mask, e.qsmask});
}

RecordedTrace TraceRecorder::finish() const {
  RecordedTrace out;
  out.outside_window = outside_;
  out.dropped = dropped_;
  // k-way merge by (time, cpu); each CPU's buffer is in its own time order.
  using Head = std::pair<std::size_t, std::size_t>;
  auto later = [&](const Head& a, const Head& b) {
    const auto& x = per_cpu_[a.first][a.second];
    const auto& y = per_cpu_[b.first][b.second];
    return x.time != y.time ? x.time > y.time : a.first > b.first;
  };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> q(later);
  for (std::size_t c = 0; c < per_cpu_.size(); ++c)
    if (!per_cpu_[c].empty()) q.emplace(c, 0);
  out.events.reserve(stored_);
  while (!q.empty()) {
    auto [c, i] = q.top();
    q.pop();
    const Recorded& r = per_cpu_[c][i];
    if (first_dropped_ >= 0 && r.time >= first_dropped_)
      ++out.dropped;  // past the cut
    else
      out.events.push_back(r);
    if (i + 1 < per_cpu_[c].size()) q.emplace(c, i + 1);
  }
  if (first_dropped_ >= 0) out.cut_ns = k_.freq.to_ns(Cycles{first_dropped_});
  return out;
}

std::pair<std::string, int> TraceRecorder::comm_pid(const Recorded& r) const {
  switch (r.ctx.task) {
    case TaskKind::idle: return {"<idle>", 0};
    case TaskKind::kthread: return {kthreads_[r.ctx.kthread], kFirstKthreadPid + r.ctx.kthread};
    case TaskKind::ksoftirqd:
      return {"ksoftirqd/" + std::to_string(r.cpu),
              kPerCpuPid + kPerCpuStride * r.cpu + kKsoftirqdSlot};
    case TaskKind::task: break;
  }
  const auto i = static_cast<std::size_t>(r.cpu);
  if (i >= task_names_.size() || task_names_[i].empty()) return {"<idle>", 0};
  return {task_names_[i], kTaskPid + r.cpu};
}

std::string TraceRecorder::symbol(const Recorded& r) const {
  const auto id = r.ctx.func_unmapped ? std::nullopt : k_.syms.resolve_any(r.func);
  if (!id) return fmt::format("0x{:x}", r.func);
  const Function& f = k_.syms.fn(*id);
  return f.module < 0 ? f.name : fmt::format("{} [{}]", f.name, k_.syms.module(f.module).name);
}

}  // namespace rcusim

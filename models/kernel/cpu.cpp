#include "models/kernel/cpu.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/kernel/kernel.hpp"
#include "models/kernel/task.hpp"
#include "models/kernel/workqueue.hpp"
#include "models/rcu/flavor.hpp"

namespace sg4 = simgrid::s4u;

namespace rcusim {
namespace {
constexpr int kMaxSoftirqRestart = 10;  // MAX_SOFTIRQ_RESTART in kernel/softirq.c
constexpr std::uint64_t kCpuStream = 0x43505500;
constexpr std::uint64_t kCpuPerturbStream = 0x50525455000ULL;
constexpr std::uint64_t kCpuJitterStream = 0x4a4954000ULL;
}  // namespace

Cpu::Cpu(Kernel& k, int id)
    : k_(k),
      mem_(*k.mem),
      cache_(dynamic_cast<CacheHierarchy*>(k.mem.get())),
      flat_(dynamic_cast<FlatMemory*>(k.mem.get())),
      syms_(k.syms),
      id_(id),
      rng_(k.seed, kCpuStream + static_cast<std::uint64_t>(id)),
      perturb_(k.seed, kCpuPerturbStream + static_cast<std::uint64_t>(id)),
      jitter_(k.seed, kCpuJitterStream + static_cast<std::uint64_t>(id)) {
  period_ = Cycles{static_cast<std::int64_t>(k.freq.hz / static_cast<std::uint64_t>(k.machine.hz))};
  tick_phase_ = k.machine.tick_skew ? Cycles{period_.v * id / k.machine.cpus} : Cycles{0};
  if (k.perturb.tick_phase)
    tick_phase_ =
        Cycles{static_cast<std::int64_t>(perturb_.below(static_cast<std::uint64_t>(period_.v)))};
  tick_jitter_ = k.freq.from_ns(k.machine.tick_jitter.ns);
  set_next_tick(tick_phase_.v == 0 ? period_ : tick_phase_);
  wake_ = sg4::Semaphore::create(0);
}

CpuStats& Cpu::stats() { return k_.stats.cpu[static_cast<std::size_t>(id_)]; }

void Cpu::read_clock() { clock_ = Cycles{static_cast<std::int64_t>(sg4::Engine::get_clock())}; }

void Cpu::sync() {
  if (pending_.v == 0) return;
  const Cycles t = now();
  pending_ = Cycles{0};
  ++stats().actor_switches;
  sg4::this_actor::sleep_until(static_cast<double>(t.v));
  read_clock();
}

// Out of line, so that fetch() stays small where it is inlined (the flat model's path): the
// common fetch, every line at MRU, is counted inline here, anything else goes to access().
void Cpu::fetch_cached(const Function& f, MemClass cls) {
  Cycles c;
  if (!cache_->fetch_at_mru(id_, f.addr, f.size, cls, c))
    c = cache_->access(id_, f.addr, f.size, AccessKind::ifetch, cls);
  charge(c);
}

void Cpu::fail(const std::string& kind, const std::string& message) {
  const Cycles t = now();
  k_.stats.failures.push_back({t.v, id_, kind, message});
  // The simulated heap running out is a limit of the configuration, not a kernel failure: the
  // timeline says so, no tracepoint does.
  const Ev ev = kind == "oops"             ? Ev::oops
                : kind == "bug"            ? Ev::bug
                : kind == "heap_exhausted" ? Ev::note
                                           : Ev::use_after_free;
  k_.tp.emit({t.v, id_, ev, 0, 0, 0, -1, -1, message});
  if (kind == "oops" && k_.stop_on_oops) k_.stop();
}

void Cpu::heap_exhausted(const std::string& what) {
  fail("heap_exhausted", fmt::format("out of memory: {}: raise heap.size", what));
  k_.stop();
}

void Cpu::send_resched_ipi(int target) {
  Cpu& t = k_.cpu(target);
  t.ipi_pending_ = true;
  t.need_resched_pending_ = true;
  t.wake_->release();
}

void Cpu::spin_lock(SimLock& l) {
  sync();
  const Cycles asked = clock_;
  l.m_->lock();
  l.owner_ = id_;
  read_clock();
  l.since_ = clock_;
  if (l.class_ < 0) return;
  LockStats& ls = k_.stats.locks[static_cast<std::size_t>(l.class_)];
  const std::int64_t wait = (clock_ - asked).v;
  ++ls.acquisitions;
  ls.contended += wait > 0;
  ls.wait_cycles += wait;
  ls.max_wait = std::max(ls.max_wait, wait);
}

bool Cpu::spin_trylock(SimLock& l) {
  sync();
  if (!l.m_->try_lock()) return false;
  l.owner_ = id_;
  read_clock();
  l.since_ = clock_;
  if (l.class_ >= 0) ++k_.stats.locks[static_cast<std::size_t>(l.class_)].acquisitions;
  return true;
}

void Cpu::spin_unlock(SimLock& l) {
  RCUSIM_ASSERT_HELD(*this, l);
  sync();
  if (l.class_ >= 0)
    k_.stats.locks[static_cast<std::size_t>(l.class_)].hold_cycles += (clock_ - l.since_).v;
  l.owner_ = -1;
  l.m_->unlock();
  read_clock();
}

// Waits until t (absolute cycles) or an IPI, whichever comes first. pending_ is folded into the
// wait, so one simcall covers the work done since the last one.
void Cpu::wait_until(Cycles t) {
  const Cycles start = now();
  pending_ = Cycles{0};
  ++stats().actor_switches;
  if (start > clock_) {
    sg4::this_actor::sleep_until(static_cast<double>(start.v));
    read_clock();
  }
  if (ipi_pending_ || t <= start) return;
  const double timeout = static_cast<double>(t.v) - sg4::Engine::get_clock();
  if (timeout > 0 && !wake_->acquire_timeout(timeout)) {
    // Woken by an IPI: drain extra wake-ups, the flags say what happened.
    while (!wake_->would_block()) wake_->acquire();
  }
  read_clock();
}

void Cpu::set_next_tick(Cycles grid) {
  tick_grid_ = grid;
  next_tick_ = grid;
  if (tick_jitter_.v > 0)
    next_tick_ += Cycles{
        static_cast<std::int64_t>(jitter_.below(static_cast<std::uint64_t>(tick_jitter_.v)))};
}

void Cpu::restart_tick() {
  if (!tick_stopped_) return;
  tick_stopped_ = false;
  // tick_nohz_restart_sched_tick(): the next tick on this CPU's grid after now.
  const std::int64_t t = now().v, ph = tick_phase_.v, p = period_.v;
  set_next_tick(Cycles{ph + ((t - ph) / p + 1) * p});
}

void Cpu::handle_ipi() {
  ipi_pending_ = false;
  ++stats().ipis;
  charge(k_.costs.ipi);
  // smp_call_function_interrupt(): run the queued functions, then ack their senders.
  const bool was_hardirq = in_hardirq_;
  in_hardirq_ = true;
  while (!ipi_calls_.empty()) {
    const IpiCall c = ipi_calls_.front();
    ipi_calls_.erase(ipi_calls_.begin());
    c.f(*this, c.info);
    Cpu& from = k_.cpu(c.from);
    sync();
    --from.acks_pending_;
    from.kick();
  }
  in_hardirq_ = was_hardirq;
  // irq_exit() in idle re-evaluates NO_HZ: restart the tick, the next one may stop it again
  // (a CALL_FUNCTION such as rcu_barrier_func() may just have queued a callback here).
  if (ctx_ == TaskCtx::idle) restart_tick();
  if (!need_resched_pending_) return;
  need_resched_pending_ = false;
  need_resched_ = true;
  // Idle, or returning to user mode: the reschedule happens at once.
  if (ctx_ == TaskCtx::idle || ctx_ == TaskCtx::user || ctx_ == TaskCtx::hog) schedule();
}

void Cpu::queue_call(int target, IpiFunc f, void* info) {
  Cpu& t = k_.cpu(target);
  t.ipi_calls_.push_back({f, info, id_});
  t.ipi_pending_ = true;
  ++acks_pending_;
  t.kick();
}

void Cpu::on_each_cpu(IpiFunc f, void* info) {
  fetch(k_.text.on_each_cpu);
  sync();
  for (int c = 0; c < k_.ncpus(); ++c)
    if (c != id_) queue_call(c, f, info);
  f(*this, info);  // the local call, irqs off
  // csd_flag_wait(): spin with preemption off until every CPU has run it.
  run_until(k_.drain_end, TaskCtx::reader, [this] { return acks_pending_ == 0; });
}

void Cpu::smp_call_function_single(int target, IpiFunc f, void* info) {
  if (target == id_) return f(*this, info);  // generic_exec_single(): local, irqs off
  fetch(k_.text.on_each_cpu);
  sync();
  queue_call(target, f, info);
  run_until(k_.drain_end, TaskCtx::reader, [this] { return acks_pending_ == 0; });
}

void Cpu::tick() {
  auto& st = stats();
  ++st.ticks;
  set_next_tick(tick_grid_ + period_);
  fetch(k_.text.timer_interrupt);
  charge(k_.costs.tick);
  if (k_.wq) k_.wq->run_timers(*this);  // run_local_timers(): expired delayed work queues
  const bool user = (ctx_ == TaskCtx::user || ctx_ == TaskCtx::hog) && !in_softirq_;
  const bool was_hardirq = in_hardirq_;
  in_hardirq_ = true;
  if (k_.rcu->pending(*this)) k_.rcu->check_callbacks(*this, user);
  in_hardirq_ = was_hardirq;  // irq_exit(): the hardirq count drops before softirqs run
  // irq_exit(): softirqs run unless interrupted code is a softirq or has bottom halves off.
  if (softirq_pending_ && !in_softirq_ && ctx_ != TaskCtx::busy) {
    if (k_.perturb.softirq_defer > 0 && perturb_.chance(k_.perturb.softirq_defer))
      ksoftirqd_runnable_ = true;  // perturbation: leave this run to ksoftirqd
    else
      do_softirq();
  }
  if (in_softirq_) return;
  // A preemptible context lets ksoftirqd in at the tick (scheduler_tick() then schedule()).
  if ((ksoftirqd_runnable_ || kworker_runnable()) &&
      (ctx_ == TaskCtx::user || ctx_ == TaskCtx::idle))
    schedule();
  // tick_nohz_stop_sched_tick(): an idle CPU stops its tick unless RCU needs it.
  if (ctx_ == TaskCtx::idle && k_.machine.nohz && !k_.rcu->needs_cpu(*this) && !softirq_pending_ &&
      !ksoftirqd_runnable_ && !(k_.wq && k_.wq->keeps_tick(id_)))
    tick_stopped_ = true;
}

void Cpu::do_softirq() {
  auto& st = stats();
  const Cycles t0 = now();
  ++st.softirq_runs;
  in_softirq_ = true;
  int restart = kMaxSoftirqRestart;
  do {
    softirq_pending_ = false;
    ++st.softirq_passes;
    fetch(k_.text.do_softirq);
    charge(k_.costs.softirq);
    if (k_.tp.enabled(Ev::softirq_entry)) k_.tp.emit({now().v, id_, Ev::softirq_entry});
    // No sync here: rcu_process_callbacks() only reads rcu_ctrlblk outside its lock, and a read
    // at SimGrid's (earlier) clock sees the past, as a CPU without barriers may; every write to
    // shared RCU state is under rcp->lock, and spin_lock() syncs.
    const Cycles r0 = now();
    k_.rcu->process_callbacks(*this);
    st.rcu_softirq_cycles += (now() - r0).v;
    // Ticks that fall inside the softirq interrupt it: no quiescent state, no nesting.
    while (tick_active() && now() >= next_tick_) tick();
    if (k_.tp.enabled(Ev::softirq_exit)) k_.tp.emit({now().v, id_, Ev::softirq_exit});
  } while (softirq_pending_ && --restart && !k_.stopped());
  in_softirq_ = false;
  st.softirq_cycles += (now() - t0).v;
  if (now() >= k_.work_end) k_.note_idle_after_work();  // maybe that was the last callback
  if (softirq_pending_ && !ksoftirqd_runnable_) {       // wakeup_softirqd()
    ksoftirqd_runnable_ = true;
    k_.tp.emit({now().v, id_, Ev::ksoftirqd, 0, 0, 0, k_.rcu->qlen(id_), -1, "wakeup"});
  }
}

void Cpu::run_ksoftirqd() {
  ksoftirqd_runnable_ = false;
  ++stats().ksoftirqd_runs;
  const TaskCtx prev = ctx_;
  ctx_ = TaskCtx::kernel;
  in_ksoftirqd_ = true;
  if (k_.tp.enabled(Ev::kthread_begin))
    k_.tp.emit({now().v, id_, Ev::kthread_begin, 0, 0, 0, -1, -1, "ksoftirqd"});
  while (softirq_pending_ && !k_.stopped() && now() < k_.drain_end) do_softirq();
  ksoftirqd_runnable_ = false;
  if (k_.tp.enabled(Ev::kthread_end))
    k_.tp.emit({now().v, id_, Ev::kthread_end, 0, 0, 0, -1, -1, "ksoftirqd"});
  in_ksoftirqd_ = false;
  ctx_ = prev;
}

void Cpu::schedule() {
  ++stats().context_switches;
  need_resched_ = false;
  fetch(k_.text.schedule);
  charge(k_.costs.context_switch);
  k_.rcu->qsctr_inc(*this);                           // schedule() -> rcu_qsctr_inc(cpu)
  if (ksoftirqd_runnable_ && ctx_ != TaskCtx::hog) {  // a hog keeps the CPU from ksoftirqd
    run_ksoftirqd();
    k_.rcu->qsctr_inc(*this);  // and the switch back
  }
  if (kworker_runnable() && ctx_ != TaskCtx::hog) run_kworker();
}

bool Cpu::kworker_runnable() const { return k_.wq && k_.wq->runnable(id_); }

// The CPU's kworker (worker_thread()), scheduled like ksoftirqd: a switch to it and back.
void Cpu::run_kworker() {
  const TaskCtx prev = ctx_;
  ctx_ = TaskCtx::kernel;
  k_.wq->run_worker(*this);
  ctx_ = prev;
  k_.rcu->qsctr_inc(*this);
  if (now() >= k_.work_end) k_.note_idle_after_work();  // maybe that freed the last batch
}

void Cpu::run_for(Cycles d, TaskCtx ctx) { run_loop(now() + d, ctx, nullptr, true); }

// A kthread bound here ran since the last step: unless the CPU was idle (it ran in idle time),
// its cycles push back what the CPU does next, and the task's end when `extend`.
void Cpu::take_stolen(Cycles& end, bool extend) {
  if (ctx_ != TaskCtx::idle) {
    charge(stolen_);
    if (extend) end += stolen_;
  }
  stolen_ = Cycles{0};
}

void Cpu::run_until(Cycles deadline, TaskCtx ctx, const std::function<bool()>& done) {
  waiting_event_ = true;
  run_loop(deadline, ctx, &done, false);
  waiting_event_ = false;
}

// The heart of a CPU: time passes in `ctx` until `end` (pushed back by interrupt work when
// `extend`, as interrupts steal time from a task) or until *done holds.
void Cpu::run_loop(Cycles end, TaskCtx ctx, const std::function<bool()>* done, bool extend) {
  const TaskCtx prev = ctx_;
  ctx_ = ctx;
  // ct_idle_enter()/ct_idle_exit(), and ct_irq_enter()/ct_irq_exit() around interrupts taken in
  // idle: RCU does not watch an idle CPU outside its interrupts.
  const bool eqs = ctx == TaskCtx::idle && prev != TaskCtx::idle;
  dynticks_ += eqs;
  while (!k_.stopped()) {
    if (stolen_.v) take_stolen(end, extend);
    if (tick_active() && now() >= next_tick_) {
      const Cycles t0 = now();
      dynticks_ += eqs;
      tick();
      dynticks_ += eqs;
      if (extend) end += now() - t0;
      continue;
    }
    if (ipi_pending_) {
      const Cycles t0 = now();
      dynticks_ += eqs;
      handle_ipi();
      dynticks_ += eqs;
      if (extend) end += now() - t0;
      continue;
    }
    if (now() >= end || (done && (*done)()) || now() >= k_.drain_end) break;
    Cycles until = std::min(end, k_.drain_end);  // nothing runs past the drain deadline
    if (tick_active() && next_tick_ < until) until = next_tick_;
    wait_until(until);
  }
  if (ctx == TaskCtx::idle) restart_tick();
  dynticks_ += eqs;
  ctx_ = prev;
  // local_bh_enable() at the end of a bottom-halves-off section runs what became pending.
  if (ctx == TaskCtx::busy && softirq_pending_ && !in_softirq_ && !k_.stopped()) do_softirq();
}

void Cpu::main_loop(Task& task) {
  read_clock();
  // Generated work stops at work_end; a script may go on into the drain time.
  while (!k_.stopped() && now() < k_.drain_end) {
    if (!task.step(*this)) break;
    if (need_resched_ || ksoftirqd_runnable_ || kworker_runnable()) schedule();
  }
  --k_.running_tasks;
  if (!k_.stopped() && now() < k_.work_end) {  // nothing left: idle while the others work
    schedule();
    run_for(k_.work_end - now(), TaskCtx::idle);
  }
  // Workload over: idle until every queued callback is invoked or the drain time runs out.
  while (!k_.stopped() && now() < k_.drain_end) {
    k_.note_idle_after_work();
    if (k_.stopped()) break;
    schedule();
    run_for(k_.drain_end - now(), TaskCtx::idle);
  }
  sync();
}

}  // namespace rcusim

// One simulated CPU: a SimGrid actor on its own single-core host, and the execution context the
// models run in.
//
// Time: the actor keeps `pending_` cycles of work it has done but not yet shown to SimGrid.
// Models charge() cycles as they run; sync() advances SimGrid's clock once for the whole segment.
// The CPU syncs before anything another CPU could observe in order (rcu_ctrlblk, its lock, IPIs),
// so SimGrid's deterministic ordering decides every cross-CPU interaction while a softirq batch
// or a read-side section still costs a single simcall.
//
// Interrupts: the scheduling-clock tick is polled between steps of work (exact to the step), so
// a tick that lands inside a reader or a softirq sees the context it really interrupted.
#pragma once
#include <cassert>
#include <cstdint>
#include <functional>
#include <simgrid/s4u/Mutex.hpp>
#include <simgrid/s4u/Semaphore.hpp>
#include <string>
#include <vector>

#include "models/cache/hierarchy.hpp"
#include "models/kernel/stats.hpp"
#include "models/memory/cost.hpp"
#include "models/memory/flat.hpp"
#include "models/module/symbols.hpp"
#include "sim/base/rng.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

class Kernel;
class Task;

// What the CPU's current task is doing; decides how a tick counts for RCU.
enum class TaskCtx : std::uint8_t {
  user,    // user mode: a tick is a quiescent state
  kernel,  // kernel code, preemption points only at the end of the step
  reader,  // rcu_read_lock() held: preemption disabled
  idle,    // the idle loop: a tick outside softirq is a quiescent state
  busy,    // kernel code with bottom halves disabled: no softirq, no ksoftirqd
  hog,     // a user-mode task above ksoftirqd's priority: ticks are quiescent, softirqs run at
           // irq exit, ksoftirqd never gets the CPU
};

class Cpu;
// smp_call_func_t with its info argument.
using IpiFunc = void (*)(Cpu&, void* info);

// A spinlock: a SimGrid mutex (so SimGrid orders the CPUs that contend for it) and its holder,
// so that "caller holds the lock" can be checked as lockdep_assert_held() does. A lock given a
// class (Stats::lock_class()) has its waits and holds counted there.
class SimLock {
 public:
  SimLock() : m_(simgrid::s4u::Mutex::create()) {}
  bool held_by(int cpu) const { return owner_ == cpu; }
  void set_class(int cls) { class_ = cls; }

 private:
  friend class Cpu;
  simgrid::s4u::MutexPtr m_;
  int owner_ = -1;
  int class_ = -1;
  Cycles since_{0};  // when the holder got it
};

// lockdep_assert_held(): a model function documented "caller holds l" checks it.
#define RCUSIM_ASSERT_HELD(cpu, l) assert((l).held_by((cpu).id()))

class Cpu {
 public:
  Cpu(Kernel& k, int id);
  int id() const { return id_; }
  Kernel& kernel() { return k_; }
  Rng& rng() { return rng_; }
  CpuStats& stats();

  // --- time ---
  Cycles now() const { return clock_ + pending_; }
  void charge(Cycles c) { pending_ += c; }
  void charge(std::int64_t c) { pending_.v += c; }
  void sync();

  // --- memory, through the one cost interface (inline: tens of calls per simulated object) ---
  void fetch(std::uint32_t fn, MemClass cls = MemClass::core_text) {
    const Function& f = syms_.fn(fn);
    if (cache_ != nullptr) return fetch_cached(f, cls);
    access(f.addr, f.size, AccessKind::ifetch, cls);
  }
  void read(Addr a, std::uint32_t size, MemClass cls) { access(a, size, AccessKind::read, cls); }
  void write(Addr a, std::uint32_t size, MemClass cls) { access(a, size, AccessKind::write, cls); }
  void access(Addr a, std::uint32_t size, AccessKind kind, MemClass cls) {
    charge(flat_    ? flat_->cost(id_, kind, cls)
           : cache_ ? cache_->access(id_, a, size, kind, cls)  // final: a direct call
                    : mem_.access(id_, a, size, kind, cls));
  }
  // MemoryCost::expect(): a host-side hint only; the flat model has no state to load.
  void expect(Addr a) {
    if (!flat_) mem_.expect(id_, a);
  }

  // --- kernel services used by the models ---
  void raise_softirq() { softirq_pending_ = true; }
  bool in_softirq() const { return in_softirq_; }
  bool tick_stopped() const { return tick_stopped_; }  // in nohz_cpu_mask
  void set_need_resched() { need_resched_ = true; }
  bool need_resched() const { return need_resched_; }
  void send_resched_ipi(int target);
  void spin_lock(SimLock& l);
  bool spin_trylock(SimLock& l);  // raw_spin_trylock(): takes l only if nobody holds it
  void spin_unlock(SimLock& l);
  // ct->dynticks of context tracking (kernel/context_tracking.c): odd while RCU watches this CPU,
  // even while it is in an extended quiescent state (idle, outside interrupts). Each entry to
  // and exit from one adds 1.
  std::uint64_t dynticks() const { return dynticks_; }
  void ct_state_inc(int n) { dynticks_ += static_cast<std::uint64_t>(n); }

  // --- kthreads bound to this CPU ---
  // A kthread runs from its own actor with its own execution context (a Cpu of the same id, so
  // it shares this CPU's caches). Its cycles are this CPU's: the CPU pays them at its next step
  // unless idle, pushing back the task it runs as interrupt work does.
  void kthread_ran(Cycles c) { stolen_ += c; }
  // In a kthread's context: sleep until kick() or `deadline` (swait_event_timeout()'s wait; the
  // caller re-checks its condition).
  void kthread_wait(Cycles deadline) { wait_until(deadline); }
  // Records an oops, BUG or use-after-free at this CPU and time.
  void fail(const std::string& kind, const std::string& message);
  // The simulated heap could not serve an allocation: a limit of the configuration (failure
  // kind heap_exhausted, outcome `limit`), which ends the run. `what` says which allocation.
  void heap_exhausted(const std::string& what);

  // --- what a task does (used by workloads) ---
  // Lets `d` cycles of task time pass in context `ctx`, taking ticks and IPIs as they come.
  void run_for(Cycles d, TaskCtx ctx);
  // Takes the tick and IPIs that fell due while kernel code ran (as run_for(0, kernel), with the
  // common nothing-due case checked inline: updates call this after every object).
  void take_interrupts() {
    if (ipi_pending_ || (tick_active() && now() >= next_tick_)) run_for(Cycles{0}, TaskCtx::kernel);
  }
  // The same until `done()` holds (checked whenever the CPU wakes), or `deadline` at the latest.
  // Another CPU makes done() true and wakes this one through Kernel::fire() or kick().
  void run_until(Cycles deadline, TaskCtx ctx, const std::function<bool()>& done);
  bool waiting_for_event() const { return waiting_event_; }
  // on_each_cpu(func, info, wait=1): run `f` here with irqs off and on every other online CPU
  // from a CALL_FUNCTION IPI, and spin until all of them have run it.
  void on_each_cpu(IpiFunc f, void* info);
  // smp_call_function_single(cpu, func, info, wait=1): `f` on `target` from a CALL_FUNCTION IPI
  // (here, with irqs off, when target is this CPU), spinning until it has run.
  void smp_call_function_single(int target, IpiFunc f, void* info);
  void schedule();  // a context switch: a quiescent state; runs ksoftirqd if it is runnable
  TaskCtx ctx() const { return ctx_; }
  // For the trace writers: in the tick's or an IPI's handler (hardirq), in ksoftirqd.
  bool in_hardirq() const { return in_hardirq_; }
  bool in_ksoftirqd() const { return in_ksoftirqd_; }

  void main_loop(Task& task);        // the actor's body
  void kick() { wake_->release(); }  // wakes the actor if it waits (used to stop the run)

 private:
  void tick();
  void do_softirq();
  void run_ksoftirqd();
  bool kworker_runnable() const;  // the workqueue has work queued here (models/kernel/workqueue)
  void run_kworker();
  void handle_ipi();
  void queue_call(int target, IpiFunc f, void* info);  // a CALL_FUNCTION IPI to target
  void take_stolen(Cycles& end, bool extend);
  void run_loop(Cycles end, TaskCtx ctx, const std::function<bool()>* done, bool extend);
  void wait_until(Cycles t);
  void restart_tick();
  bool tick_active() const { return !tick_stopped_; }
  void read_clock();  // after every SimGrid call that may block

  Kernel& k_;
  MemoryCost& mem_;  // k_.mem and k_.syms, without going through the Kernel
  void fetch_cached(const Function& f, MemClass cls);  // fetch() with the cache model

  CacheHierarchy* cache_;  // mem_ when it is the cache model: fetches that hit at MRU inline
  FlatMemory* flat_;       // mem_ when it is the flat model: its accesses inline, no virtual call
  const Symbols& syms_;
  int id_;
  Rng rng_;
  Cycles pending_{0};
  // SimGrid's clock as this actor last saw it. Time only advances while every actor is blocked,
  // so it is read again after each call that may block instead of on every now().
  Cycles clock_{0};
  Cycles period_;
  Cycles tick_phase_;
  Cycles next_tick_;    // when the next tick arrives: its grid time plus its jitter
  Cycles tick_grid_;    // the next tick's time on this CPU's grid
  Cycles tick_jitter_;  // machine.tick_jitter
  void set_next_tick(Cycles grid);
  TaskCtx ctx_ = TaskCtx::kernel;
  bool in_softirq_ = false;
  bool in_hardirq_ = false;
  bool in_ksoftirqd_ = false;
  bool softirq_pending_ = false;
  bool ksoftirqd_runnable_ = false;
  bool need_resched_ = false;
  bool tick_stopped_ = false;
  bool ipi_pending_ = false;           // an IPI is waiting to be taken
  bool need_resched_pending_ = false;  // ... and it is a reschedule IPI
  bool waiting_event_ = false;
  std::uint64_t dynticks_ = 1;  // RCU watches a CPU that boots
  Cycles stolen_{0};            // kthread cycles not yet paid
  struct IpiCall {
    IpiFunc f;
    void* info;
    int from;
  };
  std::vector<IpiCall> ipi_calls_;
  int acks_pending_ = 0;
  Rng perturb_;
  Rng jitter_;
  simgrid::s4u::SemaphorePtr wake_;
};

}  // namespace rcusim

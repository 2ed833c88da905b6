// The per-CPU system workqueue (kernel/workqueue.c, v6.6, system_wq): a work item queued on a
// CPU runs in that CPU's kworker, a kthread made runnable by the queueing and run at the CPU's
// next scheduling point (at once when the CPU is idle or in user mode, from the tick), competing
// with the CPU's other work and paying its cycles and misses there. Delayed work arms a timer
// that the CPU's tick fires once jiffies has reached it (run_local_timers(), TIMER_SOFTIRQ).
// A CPU with a timer armed keeps its tick. Only made when a model queues work (kfree_rcu()
// batching); Cpu's hooks test for it.
#pragma once
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;
class Kernel;

struct WorkStruct {
  using Fn = void (*)(Cpu& cpu, WorkStruct& w);
  Fn fn = nullptr;
  void* owner = nullptr;   // container_of(): the structure the work is part of
  std::uint32_t text = 0;  // the function's text, for its fetch and trace
  bool pending = false;    // WORK_STRUCT_PENDING: queued, or its timer armed
  bool running = false;
};

struct DelayedWork {
  WorkStruct work;
  std::int64_t expires = 0;  // jiffies
  bool timer_pending = false;
  int cpu = -1;  // whose timer list holds it
};

class Workqueue {
 public:
  explicit Workqueue(Kernel& k);
  std::int64_t jiffies(Cycles t) const { return t.v / period_; }

  // queue_work(system_wq, w) from `cpu`: false when w is already pending.
  bool queue_work(Cpu& cpu, WorkStruct& w);
  // __queue_work(): w, already pending (queue_rcu_work() set it), goes on cpu's worklist.
  void insert_work(Cpu& cpu, WorkStruct& w);
  // queue_delayed_work(): false when already pending. delay in jiffies, 0 = at once.
  bool queue_delayed_work(Cpu& cpu, DelayedWork& dw, std::int64_t delay);
  // mod_delayed_work(): re-arms the timer for `delay` from now, or queues when idle.
  void mod_delayed_work(Cpu& cpu, DelayedWork& dw, std::int64_t delay);
  // Jiffies until dw's timer fires (dw->timer.expires - jiffies).
  std::int64_t delay_left(const Cpu& cpu, const DelayedWork& dw) const;
  // flush_work(): sleeps until w is neither pending nor running.
  void flush_work(Cpu& cpu, const WorkStruct& w);
  // cancel_delayed_work_sync(): disarms dw's timer or takes it off the worklist, then waits for
  // a run in progress.
  void cancel_delayed_work_sync(Cpu& cpu, DelayedWork& dw);

  // --- Cpu's hooks ---
  void run_timers(Cpu& cpu);  // from the tick: expired timers queue their work
  bool runnable(int cpu) const { return !pools_[static_cast<std::size_t>(cpu)].worklist.empty(); }
  bool keeps_tick(int cpu) const;  // a timer armed or work queued: no NO_HZ stop
  void run_worker(Cpu& cpu);       // worker_thread(): runs the CPU's worklist empty
  bool idle() const;               // nothing queued, armed or running anywhere

 private:
  struct Pool {  // worker_pool of one CPU, its timer base with it
    std::deque<WorkStruct*> worklist;
    std::vector<DelayedWork*> timers;
    bool in_worker = false;
  };
  Pool& pool(int cpu) { return pools_[static_cast<std::size_t>(cpu)]; }
  void arm(Cpu& cpu, DelayedWork& dw, std::int64_t delay);
  void disarm(DelayedWork& dw);
  Kernel& k_;
  std::int64_t period_;  // cycles per jiffy
  std::vector<Pool> pools_;
  int running_ = 0;
};

}  // namespace rcusim

#include "models/kernel/workqueue.hpp"

#include <algorithm>

#include "models/kernel/kernel.hpp"

namespace rcusim {

Workqueue::Workqueue(Kernel& k)
    : k_(k),
      period_(static_cast<std::int64_t>(k.freq.hz / static_cast<std::uint64_t>(k.machine.hz))),
      pools_(static_cast<std::size_t>(k.machine.cpus)) {}

bool Workqueue::queue_work(Cpu& cpu, WorkStruct& w) {
  if (w.pending) return false;  // test_and_set_bit(WORK_STRUCT_PENDING_BIT)
  insert_work(cpu, w);
  return true;
}

void Workqueue::insert_work(Cpu& cpu, WorkStruct& w) {
  w.pending = true;
  pool(cpu.id()).worklist.push_back(&w);  // wake_up_worker(): the kworker becomes runnable
}

void Workqueue::arm(Cpu& cpu, DelayedWork& dw, std::int64_t delay) {
  disarm(dw);
  dw.expires = jiffies(cpu.now()) + delay;
  dw.timer_pending = true;
  dw.cpu = cpu.id();
  pool(cpu.id()).timers.push_back(&dw);
}

void Workqueue::disarm(DelayedWork& dw) {
  if (!dw.timer_pending) return;
  auto& t = pool(dw.cpu).timers;
  t.erase(std::find(t.begin(), t.end(), &dw));
  dw.timer_pending = false;
}

bool Workqueue::queue_delayed_work(Cpu& cpu, DelayedWork& dw, std::int64_t delay) {
  if (dw.work.pending) return false;
  if (delay <= 0) {
    insert_work(cpu, dw.work);
    return true;
  }
  dw.work.pending = true;
  arm(cpu, dw, delay);
  return true;
}

void Workqueue::mod_delayed_work(Cpu& cpu, DelayedWork& dw, std::int64_t delay) {
  // try_to_grab_pending(): a work already on a worklist runs soon anyway; keep it there.
  if (dw.work.pending && !dw.timer_pending) return;
  if (!dw.work.pending) {
    queue_delayed_work(cpu, dw, delay);
    return;
  }
  if (delay <= 0) {
    disarm(dw);
    insert_work(cpu, dw.work);
    return;
  }
  arm(cpu, dw, delay);
}

std::int64_t Workqueue::delay_left(const Cpu& cpu, const DelayedWork& dw) const {
  return dw.expires - jiffies(cpu.now());
}

void Workqueue::run_timers(Cpu& cpu) {
  Pool& p = pool(cpu.id());
  if (p.timers.empty()) return;
  const std::int64_t now = jiffies(cpu.now());
  // In arming order, so that timers expiring in the same jiffy queue their work in that order.
  for (std::size_t i = 0; i < p.timers.size();) {
    DelayedWork& dw = *p.timers[i];
    if (dw.expires > now) {
      ++i;
      continue;
    }
    p.timers.erase(p.timers.begin() + static_cast<std::ptrdiff_t>(i));
    dw.timer_pending = false;
    p.worklist.push_back(&dw.work);  // delayed_work_timer_fn() -> __queue_work()
  }
}

bool Workqueue::keeps_tick(int cpu) const {
  const Pool& p = pools_[static_cast<std::size_t>(cpu)];
  return !p.timers.empty() || !p.worklist.empty();
}

void Workqueue::run_worker(Cpu& cpu) {
  Pool& p = pool(cpu.id());
  if (p.in_worker) return;  // a work item that reaches a scheduling point stays in the kworker
  p.in_worker = true;
  while (!p.worklist.empty() && !k_.stopped()) {
    WorkStruct& w = *p.worklist.front();
    p.worklist.pop_front();
    w.pending = false;  // process_one_work(): clear PENDING, then call the function
    w.running = true;
    ++running_;
    cpu.fetch(k_.text.process_one_work);
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::workqueue_execute_start, 0, 0, k_.syms.fn(w.text).addr,
                -1, -1, k_.syms.fn(w.text).name});
    w.fn(cpu, w);
    w.running = false;
    --running_;
    cpu.sync();  // a flusher on another CPU sees the work done at its true time
    k_.wake_waiters();
  }
  p.in_worker = false;
}

void Workqueue::flush_work(Cpu& cpu, const WorkStruct& w) {
  if (!w.pending && !w.running) return;
  cpu.schedule();
  cpu.run_until(k_.drain_end, TaskCtx::idle, [&w] { return !w.pending && !w.running; });
  cpu.schedule();
}

void Workqueue::cancel_delayed_work_sync(Cpu& cpu, DelayedWork& dw) {
  if (dw.timer_pending) {
    disarm(dw);
    dw.work.pending = false;
  } else if (dw.work.pending) {
    for (Pool& p : pools_) {
      const auto it = std::find(p.worklist.begin(), p.worklist.end(), &dw.work);
      if (it != p.worklist.end()) p.worklist.erase(it);
    }
    dw.work.pending = false;
  }
  flush_work(cpu, dw.work);
}

bool Workqueue::idle() const {
  if (running_) return false;
  return std::all_of(pools_.begin(), pools_.end(),
                     [](const Pool& p) { return p.worklist.empty() && p.timers.empty(); });
}

}  // namespace rcusim

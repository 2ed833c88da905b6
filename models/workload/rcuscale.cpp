#include "models/workload/rcuscale.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/heap/kalloc.hpp"
#include "models/kernel/kernel.hpp"
#include "models/rcu/flavor.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {

namespace {
constexpr std::uint32_t kKfreeObj = 24;  // sizeof(struct kfree_obj): char[8], rcu_head
constexpr std::uint32_t kRhOffset = 8;   // offsetof(struct kfree_obj, rh)
}  // namespace

std::string RcuscaleRun::line() const {
  return fmt::format(
      "Total time taken by all kfree'ers: {} ns, loops: {}, batches: {}, memory "
      "footprint: {}MB",
      total_ns, loops, batches, footprint_mb);
}

int rcuscale_threads(const RcuscaleConfig& c, int cpus) {
  if (c.kfree_nthreads >= 0) return static_cast<int>(c.kfree_nthreads);
  return std::max(1, cpus + 1 + static_cast<int>(c.kfree_nthreads));
}

// Free memory as si_mem_available() sees it here: the heap less its pages in use.
std::int64_t RcuscaleKfreeTask::si_mem_available(const Kernel& k) const {
  return static_cast<std::int64_t>(heap_bytes_ - k.heap.pages_used() * 4096);
}

bool RcuscaleKfreeTask::step(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  if (finished_) return false;
  if (!started_) {
    started_ = true;
    start_time_ = k.freq.to_ns(cpu.now());
    if (++run_.started >= run_.nthreads) run_.gp_started = k.rcu->completed();
  }
  if (i_ == 0) {  // the top of a loop: the memory samples
    const std::int64_t avail = si_mem_available(k);
    if (!mem_during_)
      mem_during_ = mem_begin_ = avail;
    else if (loop_ % std::max<std::int64_t>(1, c_.kfree_loops / 4) == 0)
      mem_during_ = (mem_during_ + avail) / 2;
  }
  // One object per step: kmalloc(GFP_KERNEL) may sleep, so a kworker woken meanwhile gets the
  // CPU before the next (the thread runs at MAX_NICE).
  const auto size = static_cast<std::uint64_t>(c_.kfree_mult) * kKfreeObj;
  const Addr obj = kmalloc(cpu, size);
  if (!obj) {
    cpu.heap_exhausted(fmt::format("kfree_scale_thread's kmalloc({}) failed", size));
    return false;
  }
  k.reclaim->kfree_rcu(cpu, obj, obj + kRhOffset);
  cpu.take_interrupts();
  if (++i_ < c_.kfree_alloc_num) return true;
  i_ = 0;
  // cond_resched(): a voluntary scheduling point, reporting a quiescent state as rcu_all_qs()
  // does (or the tick of a preemptible kernel). The thread shows SimGrid its time here, so that
  // the other CPUs' RCU state it reads at its ticks is at most a loop old.
  cpu.sync();
  k.rcu->qsctr_inc(cpu);
  if (++loop_ < c_.kfree_loops) return true;
  finish(cpu);
  return false;
}

void RcuscaleKfreeTask::finish(Cpu& cpu) {
  finished_ = true;
  Kernel& k = cpu.kernel();
  if (++run_.ended < run_.nthreads) return;
  cpu.sync();
  run_.gp_finished = k.rcu->completed();
  run_.total_ns = k.freq.to_ns(cpu.now()) - start_time_;
  run_.loops = c_.kfree_loops;
  run_.batches = run_.gp_finished - run_.gp_started;
  run_.footprint_mb = (mem_begin_ - mem_during_) >> 20;
  run_.done = true;
  k.tp.emit({cpu.now().v, cpu.id(), Ev::note, 0, 0, 0, -1, -1, run_.line()});
}

}  // namespace rcusim

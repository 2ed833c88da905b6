#include "models/kernel/kernel.hpp"

#include <simgrid/s4u/Engine.hpp>

#include "models/cache/hierarchy.hpp"
#include "models/kernel/workqueue.hpp"
#include "models/rcu/flavor.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {

Kernel::Kernel(const MachineConfig& m, const CostConfig& c, const PerturbConfig& p,
               const HeapConfig& h, const RunBounds& run, std::unique_ptr<MemoryCost> memory)
    : machine(m),
      costs(c),
      perturb(p),
      seed(static_cast<std::uint64_t>(run.seed)),
      stop_on_oops(run.stop_on_oops),
      freq(m.freq),
      work_end(freq.from_ns(run.duration.ns)),
      drain_end(freq.from_ns(run.duration.ns + run.drain.ns)),
      heap(Bytes{h.size.bytes}, h.poison),
      mem(std::move(memory)),
      cache(dynamic_cast<CacheHierarchy*>(mem.get())),
      stats(static_cast<int>(m.cpus)) {
  text = boot_text(syms);
}

Kernel::~Kernel() = default;

void Kernel::boot_cpus() {
  for (int i = 0; i < machine.cpus; ++i) cpus_.push_back(std::make_unique<Cpu>(*this, i));
  running_tasks = static_cast<int>(machine.cpus);
}

void Kernel::wake_waiters() {
  for (auto& c : cpus_)
    if (c->waiting_for_event()) c->kick();
}

void Kernel::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& c : cpus_) c->kick();
}

// Called by a CPU whose own time is past work_end. Every other CPU is blocked in SimGrid with
// no pending work, so its time is SimGrid's clock: all are past work_end when the clock is.
void Kernel::note_idle_after_work() {
  if (running_tasks == 0 && rcu->qlen_total() == 0 && reclaim->idle() &&
      static_cast<std::int64_t>(simgrid::s4u::Engine::get_clock()) >= work_end.v)
    stop();
}

}  // namespace rcusim

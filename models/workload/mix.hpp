// The generated workload of one CPU: a weighted mix of read-side critical sections, updates
// (replace objects in the table and retire the old ones), user-mode runs and idle periods.
#pragma once
#include <vector>

#include "models/kernel/task.hpp"
#include "models/workload/config.hpp"
#include "models/workload/objects.hpp"
#include "sim/base/rng.hpp"

namespace rcusim {

class Kernel;

// Per [[workload]]: the reader's text and the other data it works on (cache pressure).
struct WorkloadMemory {
  std::uint32_t code = 0;  // function id
  Addr data = 0;
  std::uint64_t data_bytes = 0;
};
// Places workload `index`'s reader text and allocates its data footprint.
WorkloadMemory make_workload_memory(Kernel& k, const WorkloadConfig& w, std::size_t index);

class MixTask final : public Task {
 public:
  // `kfree_rcu_share` is [objects] kfree_rcu: the share of kfree-only retirements done with
  // kfree_rcu().
  MixTask(const WorkloadConfig& w, const WorkloadMemory& mem, ObjectWorld& world,
          double kfree_rcu_share, std::uint64_t seed, int cpu);
  bool step(Cpu& cpu) override;

 private:
  void reader(Cpu& cpu);
  void update(Cpu& cpu);
  void retire_one(Cpu& cpu);
  const WorkloadConfig& w_;
  const WorkloadMemory& mem_;
  ObjectWorld& world_;
  double kfree_rcu_share_;
  Rng rng_;
  double total_;
  struct Held {
    Addr obj;
    std::uint64_t gen;
  };
  std::vector<Held> held_;
};

// A CPU no workload covers: it idles.
class IdleTask final : public Task {
 public:
  bool step(Cpu& cpu) override;
};

}  // namespace rcusim

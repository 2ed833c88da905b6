// The generated workload of one CPU: a weighted mix of read-side critical sections, updates
// (replace objects in the table and retire the old ones), user-mode runs and idle periods.
#pragma once
#include <vector>

#include "sim/scenario/config.hpp"
#include "sim/base/rng.hpp"
#include "models/kernel/task.hpp"

namespace rcusim {

class MixTask final : public Task {
 public:
  MixTask(const WorkloadConfig& w, std::size_t index, std::uint64_t seed, int cpu);
  bool step(Cpu& cpu) override;

 private:
  void reader(Cpu& cpu);
  void update(Cpu& cpu);
  void retire_one(Cpu& cpu);
  const WorkloadConfig& w_;
  std::size_t index_;
  Rng rng_;
  double total_;
  struct Held { Addr obj; std::uint64_t gen; };
  std::vector<Held> held_;
};

// A CPU no workload covers: it idles.
class IdleTask final : public Task {
 public:
  bool step(Cpu& cpu) override;
};

}  // namespace rcusim

// A CPU's scripted timeline ([[script]] in a scenario): actions at simulated times or after
// named events, composed with the CPU's generated workload, which runs while the script waits.
#pragma once
#include <memory>
#include <string>

#include "models/kernel/task.hpp"
#include "models/workload/config.hpp"
#include "models/workload/objects.hpp"
#include "models/workload/script_board.hpp"
#include "sim/base/rng.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

class Kernel;

class ScriptTask final : public Task {
 public:
  ScriptTask(const ScriptConfig& sc, std::unique_ptr<Task> background, ScriptBoard& board,
             ObjectWorld& world, std::uint64_t seed, std::size_t index);
  bool step(Cpu& cpu) override;

 private:
  // When the current action may start: an absolute time, or -1 while its event has not happened.
  std::int64_t start_time(const Kernel& k, Cycles now);
  const std::string& event_of(const ActionConfig& a) const;
  void run(Cpu& cpu, const ActionConfig& a);
  void queue(Cpu& cpu, const ActionConfig& a);
  void unload(Cpu& cpu, const ActionConfig& a);
  void caches(Cpu& cpu, const ActionConfig& a);

  const ScriptConfig& sc_;
  std::unique_ptr<Task> bg_;
  ScriptBoard& board_;
  ObjectWorld& world_;
  Rng rng_;
  std::size_t next_ = 0;
  bool armed_ = false;          // the current action's event baseline is taken
  std::uint64_t baseline_ = 0;  // event count when the action became current
  std::int64_t became_current_ = 0;
};

}  // namespace rcusim

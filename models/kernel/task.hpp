// What a CPU runs between interrupts: a generated workload or (later) a scripted timeline.
#pragma once

namespace rcusim {

class Cpu;

class Task {
 public:
  virtual ~Task() = default;
  // Performs one step (a reader section, an update, a user run, an idle period) on `cpu`,
  // using Cpu::run_for() for the time it takes. Returns false when the task has nothing left.
  virtual bool step(Cpu& cpu) = 0;
};

}  // namespace rcusim

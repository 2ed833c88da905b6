// The simulation's side of `rcusim replay`'s comparison: a sink of the tracepoint hook keeping
// the grace-period, callback and batch events as RcuEvents, merged in time order at the end.
#pragma once
#include <vector>

#include "sim/base/tracepoint.hpp"
#include "sim/engine/replay_figures.hpp"

namespace rcusim {

class FigureSink final : public EventSink {
 public:
  FigureSink(int cpus, const Frequency& f);
  EvMask kinds() const;
  void on_event(const TraceEvent& e) override;
  std::vector<RcuEvent> merged() const;  // by (time, cpu, order of report)

 private:
  enum Role : std::uint8_t { none, gp, queue, invoke, batch_start, batch_end };
  std::vector<Role> roles_;  // by Ev
  std::vector<std::vector<RcuEvent>> per_cpu_;
  Frequency freq_;
};

}  // namespace rcusim

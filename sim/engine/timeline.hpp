// The per-CPU timeline `rcusim run` prints for scripted scenarios: a sink of the tracepoint hook
// that turns the events about labelled callbacks, grace periods, modules and barriers, and the
// scripts' own notes, into lines. Subscribed before the script board, which forgets a label once
// its callback is invoked.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/kernel/kernel.hpp"
#include "models/workload/script_board.hpp"

namespace rcusim {

class Timeline final : public EventSink {
 public:
  Timeline(const Kernel& k, const ScriptBoard& board) : k_(k), board_(board) {}
  void on_event(const TraceEvent& e) override;
  std::string text() const;  // sorted by (time, cpu, order of report)

 private:
  struct Entry {
    std::int64_t time;  // cycles
    int cpu;
    std::uint64_t seq;
    std::string text;
  };
  std::string line_for(const TraceEvent& e) const;
  const Kernel& k_;
  const ScriptBoard& board_;
  std::vector<Entry> entries_;
};

}  // namespace rcusim

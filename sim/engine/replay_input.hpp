// `rcusim replay`: what a read trace gives the simulation (the callbacks to queue) and the
// comparison (its own grace periods, batches and latencies).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/workload/trace_task.hpp"
#include "sim/engine/replay_figures.hpp"
#include "sim/trace/ftrace_reader.hpp"

namespace rcusim {

struct ReplayInput {
  std::vector<TracedCallback> callbacks;  // by time, then trace order
  std::vector<std::string> functions;     // distinct call_rcu() symbols, in first-use order
  int cpus = 0;                           // highest CPU of any RCU event + 1
  std::int64_t first_ns = 0;              // the trace's first RCU event: time 0 of the replay
  std::int64_t span_ns = 0;               // to its last one
  std::vector<RcuEvent> traced;           // for the comparison, times from first_ns
  // rcu_kvfree_callback events whose offset no kvfree_rcu() can have (0 to 4095,
  // __is_kvfree_rcu_offset(), include/linux/rcupdate.h): bad lines, left out.
  std::size_t bad_offsets = 0;
  std::vector<ftrace::BadLine> first_bad_offsets;
};

ReplayInput replay_input(const std::vector<ftrace::RcuRecord>& events);

}  // namespace rcusim

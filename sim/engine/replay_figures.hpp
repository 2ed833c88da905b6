// What `rcusim replay` compares between a trace and its simulation, computed the same way from
// both: grace periods (start to end), rcu_do_batch() sizes, and each callback's latency from
// its queuing to its invocation (rcu_callback/rcu_kvfree_callback to rcu_invoke_*, matched by
// rcu_head address).
#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace rcusim {

struct RcuEvent {
  enum Kind : std::uint8_t { gp_start, gp_end, queue, invoke, batch_start, batch_end };
  std::int64_t ns = 0;
  Kind kind = queue;
  std::int64_t seq = 0;       // grace periods: the number (gp_seq or batch)
  std::uint64_t head = 0;     // queue, invoke: the rcu_head (0: unknown, never matched)
  std::int64_t a = 0, b = 0;  // batch_start: CBs, bl; batch_end: CBs-invoked
};

struct RcuFigures {
  std::uint64_t queued = 0, invoked = 0;
  std::vector<std::int64_t> gp_ns;  // each grace period seen to start and end
  std::vector<std::int64_t> batch_cbs, batch_limit, batch_invoked;
  std::vector<std::int64_t> latency_ns;  // each callback seen queued and invoked
};

// `events` in time order. Classic RCU numbers a grace period's start and end alike, Tree RCU's
// gp_seq moves from start (state 1) to end (the next multiple of 4): an end closes the latest
// open start at or below its number.
RcuFigures rcu_figures(const std::vector<RcuEvent>& events);

// Counts and count/p50/p99/max/mean of each series (null when empty).
nlohmann::json figures_json(const RcuFigures& f);

}  // namespace rcusim

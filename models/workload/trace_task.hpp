// A replayed trace's callbacks (`rcusim replay`): each CPU queues the call_rcu() and kfree_rcu()
// calls a trace recorded on it, at the traced times, and idles in between. The records come from
// the command line's reading of the trace (sim/trace); here they are plain data.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/kernel/task.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

class Kernel;
struct Function;

// One traced rcu_callback or rcu_kvfree_callback event.
struct TracedCallback {
  std::int64_t time_ns = 0;  // after the trace's first event
  std::int32_t cpu = 0;
  std::string func;          // call_rcu(): the callback's symbol as traced, "name [module]" kept
  std::int64_t offset = -1;  // kfree_rcu(): the rcu_head's offset in its object (func empty)
};

// Traced symbol -> simulated function id.
using TracedFunctions = std::unordered_map<std::string, std::uint32_t>;

// Boot: a simulated callback for each distinct traced symbol (in first-use order). A [[module]]
// callback of the same name (the scenario's say) is used as it is; any other symbol becomes a
// trivial_kfree callback freeing a 64-byte struct with its rcu_head at the end, in module text
// when the symbol names a module ("name [module]"), else in kernel text.
TracedFunctions add_traced_functions(Kernel& k, const std::vector<std::string>& symbols);

class TraceTask final : public Task {
 public:
  // `calls`: this CPU's records, in trace order.
  TraceTask(std::vector<TracedCallback> calls, const TracedFunctions& fns);
  bool step(Cpu& cpu) override;

 private:
  Addr allocate(Cpu& cpu, const Function* f, const TracedCallback& c);
  std::vector<TracedCallback> calls_;
  const TracedFunctions& fns_;
  std::size_t next_ = 0;
};

}  // namespace rcusim

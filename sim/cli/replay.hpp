// `rcusim replay TRACE`: replays the call_rcu()/kfree_rcu() calls of an ftrace text trace
// (rcu_callback and rcu_kvfree_callback events) on the simulated kernel a scenario and --set
// keys choose, and compares what the trace also shows (grace periods, rcu_do_batch() sizes,
// queue-to-invoke latency) with the simulation's own figures.
#pragma once
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace rcusim {

// `replay TRACE`: SimGrid's --cfg/--log options (sim/cli/engine_args.hpp) go to its engine.
void add_replay_command(CLI::App& app);

}  // namespace rcusim

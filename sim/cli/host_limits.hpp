// How much memory this host lets a run use: MemAvailable from /proc/meminfo, the cgroup's
// memory.max headroom when lower, and RLIMIT_AS (ulimit -v); --memory-limit replaces the first
// two. Checked against a configuration's estimate (sim/scenario/host_memory.hpp) before a run.
#pragma once
#include <optional>
#include <string>

#include "sim/scenario/host_memory.hpp"

namespace CLI {
class Option;
class App;
}  // namespace CLI

namespace rcusim {

// The limits of this host; `override_bytes` (from --memory-limit) replaces the available memory.
MemoryLimit host_memory_limit(std::optional<std::uint64_t> override_bytes);

// Adds --memory-limit SIZE ("64GiB", "512MiB") to `cmd`, parsed into `into`.
CLI::Option* add_memory_limit_option(CLI::App& cmd, std::optional<std::uint64_t>& into);

// Throws ScenarioError("<scenario>: <message>") when `need` does not fit.
void check_memory(const std::string& scenario, const MemoryNeed& need,
                  std::optional<std::uint64_t> override_bytes);

}  // namespace rcusim

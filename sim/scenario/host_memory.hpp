// The host memory a configuration needs, estimated before anything is built, so that a run that
// cannot fit is refused with the keys to change instead of being killed (or aborting) midway.
// Two figures: memory the run touches (resident: compared with what the host has available) and
// address space it maps (compared with RLIMIT_AS, the limit `ulimit -v` sets).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/cache/config.hpp"
#include "sim/scenario/config.hpp"

namespace rcusim {

struct MemoryPart {
  std::string what;  // names the keys that drive it
  std::uint64_t resident = 0, address_space = 0;
};

struct MemoryNeed {
  std::vector<MemoryPart> parts;
  std::uint64_t resident() const;
  std::uint64_t address_space() const;
};

// `stack_bytes` is SimGrid's contexts/stack-size, mapped once per CPU and once more for the
// sampler actor.
MemoryNeed estimate_memory(const Config& c, std::uint64_t stack_bytes);
// `rcusim cachesim`: the three levels' tag arrays, named by their options.
MemoryNeed estimate_cachesim_memory(const CacheConfig& c);

struct MemoryLimit {
  std::uint64_t resident = 0;       // bytes the run may touch
  std::string resident_source;      // "MemAvailable in /proc/meminfo", "--memory-limit", ...
  std::uint64_t address_space = 0;  // RLIMIT_AS, or ~0 when unlimited
};

// Empty when `need` fits `limit`, else a message naming the largest parts and their keys.
std::string memory_refusal(const MemoryNeed& need, const MemoryLimit& limit);

}  // namespace rcusim

// The one memory-cost interface: every modelled access (instruction fetch of a function's text,
// data read or write) asks a MemoryCost how many cycles it takes. The flat model charges a fixed
// latency; the cache hierarchy (models/cache) plugs in behind the same interface.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "sim/base/units.hpp"

namespace rcusim {

enum class AccessKind : std::uint8_t { ifetch, read, write, modify };

// What the accessed memory is, so figures can be broken down by kind.
enum class MemClass : std::uint8_t {
  callback_text,  // a trivial or real RCU callback's instructions (module or kernel text)
  core_text,      // rcu_do_batch, __rcu_reclaim, kfree, softirq entry, call_rcu ...
  rcu_head,       // rcu_head.next / rcu_head.func words
  payload,        // object payload bytes
  slab_meta,      // struct page / freelist words
  reader_code,    // workload reader instructions
  reader_data,    // workload reader data (the RCU-protected structure)
  count
};
inline constexpr std::size_t kMemClasses = static_cast<std::size_t>(MemClass::count);
std::string_view to_string(MemClass c);
std::string_view to_string(AccessKind k);

// Counts of one CPU's accesses, so a caller can attribute a span of work by taking a snapshot
// before and after.
struct AccessCounters {
  std::uint64_t accesses = 0;
  std::int64_t cycles = 0;
  std::array<std::uint64_t, kMemClasses> by_class{};
};

class MemoryCost {
 public:
  virtual ~MemoryCost() = default;
  // Cost of one access of `size` bytes at `addr` by `cpu`; an access may span several lines.
  virtual Cycles access(int cpu, Addr addr, std::uint32_t size, AccessKind kind, MemClass cls) = 0;
  // An indirect call at call site `site` to `target`: the branch-prediction cost only (the
  // target's text is fetched separately).
  virtual Cycles indirect_call(int cpu, Addr site, Addr target) = 0;
  virtual const AccessCounters& counters(int cpu) const = 0;
  // A host-side hint that `cpu` will access `addr` soon, as the kernel's prefetch(next) in
  // rcu_do_batch(): a model may start loading its own state for that line. Changes no result.
  virtual void expect(int /*cpu*/, Addr /*addr*/) {}
};

}  // namespace rcusim

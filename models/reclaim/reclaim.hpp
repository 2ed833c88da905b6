// Both reclaim paths, executed on the simulated heap's bytes:
//   queue:  call_rcu(head, func) stores a function address in head->func;
//           kfree_rcu(ptr, head) stores the encoded offset of head within ptr's object.
//   invoke: __rcu_reclaim(head) reads head->func back from memory and decodes it: an offset
//           frees head - offset, anything else is called, i.e. dispatched by address through the
//           symbol table. An address in unmapped (unloaded module) text oopses.
#pragma once
#include <cstdint>

#include "models/kernel/stats.hpp"
#include "models/reclaim/encoding.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;
class Kernel;

enum class FnKind : std::uint8_t;
// The reclaim path a callback of this kind takes (Path::failed for non-callbacks).
Path path_of(FnKind kind);

class Reclaim {
 public:
  Reclaim(Kernel& k, Encoding e) : k_(k), encoding_(e) {}
  Encoding encoding() const { return encoding_; }

  // `path` is what the caller meant (for the queued count); the invoke side finds out for itself.
  void call_rcu(Cpu& cpu, Addr head, std::uint32_t fn, Path path);
  // head->func = fn for a callback a flavour queues by itself (Tree RCU's rcu_barrier() entrains
  // its barrier_head), counted as queued on `path`.
  void prepare_head(Cpu& cpu, Addr head, std::uint32_t fn, Path path);
  // Returns false when kfree_rcu() BUGs (offset too large for the encoding): nothing is queued.
  bool kfree_rcu(Cpu& cpu, Addr ptr, Addr head);
  // __rcu_reclaim(): what `list->func(list)` stands for in rcu_do_batch(). Returns the path the
  // decoded word led to.
  Path rcu_reclaim(Cpu& cpu, Addr head);

 private:
  void note_queued(Cpu& cpu, Addr head, Path path);
  void note_reclaimed(Cpu& cpu, Addr head, Path path);
  Path invoke_function(Cpu& cpu, Addr head, std::uint64_t func);
  void oops(Cpu& cpu, Addr func, Addr head);
  Kernel& k_;
  Encoding encoding_;
};

}  // namespace rcusim

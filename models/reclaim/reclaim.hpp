// Both reclaim paths, executed on the simulated heap's bytes:
//   queue:  call_rcu(head, func) stores a function address in head->func;
//           kfree_rcu(ptr, head) stores the encoded offset of head within ptr's object.
//   invoke: __rcu_reclaim(head) reads head->func back from memory and decodes it: an offset
//           frees head - offset, anything else is called, i.e. dispatched by address through the
//           symbol table. An address in unmapped (unloaded module) text oopses.
// From 5.6 on ([reclaim] kfree_rcu), kfree_rcu() batches instead (models/reclaim/kvfree/).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/kernel/stats.hpp"
#include "models/reclaim/encoding.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

class Cpu;
class Kernel;
class KvfreeRcu;
struct ReclaimConfig;

enum class FnKind : std::uint8_t;
// The reclaim path a callback of this kind takes (Path::failed for non-callbacks).
Path path_of(FnKind kind);

class Reclaim {
 public:
  Reclaim(Kernel& k, const ReclaimConfig& cfg, std::uint64_t seed);
  ~Reclaim();
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

  bool idle() const;  // no kfree_rcu() batch waiting anywhere (always, without batching)
  bool has_kvfree_rcu_barrier() const;
  void kvfree_rcu_barrier(Cpu& cpu);  // only where has_kvfree_rcu_barrier()
  // kmem_cache_destroy() (mm/slab_common.c), first noting on the timeline where the cache's live
  // objects wait; from 6.12 it calls kvfree_rcu_barrier() first (6c6c47b063b5).
  void kmem_cache_destroy(Cpu& cpu, std::uint32_t cache);

  // The figures of an object queued for, and freed after, a grace period (any path).
  void note_queued(Cpu& cpu, Addr head, Path path);
  void note_reclaimed(Cpu& cpu, Addr head, Path path);

 private:
  Path invoke_function(Cpu& cpu, Addr head, std::uint64_t func);
  void oops(Cpu& cpu, Addr func, Addr head);
  std::vector<std::string> census(std::uint32_t cache) const;
  Kernel& k_;
  Encoding encoding_;
  std::unique_ptr<KvfreeRcu> kvfree_;  // batching generations only
};

}  // namespace rcusim

// kmem_cache_destroy() as the reclaim paths see it: where the cache's live objects wait when it
// dies (the RCU callback lists, or a CPU's kfree_rcu_cpu), and 6.12's kvfree_rcu_barrier() first.
#include <fmt/format.h>

#include "models/heap/kalloc.hpp"
#include "models/kernel/kernel.hpp"
#include "models/rcu/flavor.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/kvfree/kvfree.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {

std::vector<std::string> Reclaim::census(std::uint32_t cache) const {
  std::vector<std::string> out;
  for (int c = 0; c < k_.ncpus(); ++c) {
    std::int64_t n = 0;
    k_.rcu->for_each_queued(c, [&](Addr head) {
      const auto off = decode_kfree_offset(encoding_, k_.heap.read_u64(head + kRcuHeadFunc));
      const auto o = off ? k_.heap.find(head - *off) : std::nullopt;
      n += o && o->live && o->cache == cache;
    });
    if (n) out.push_back(fmt::format("CPU {}: {} kfree_rcu() callbacks still queued to RCU", c, n));
  }
  if (kvfree_)
    for (std::string& line : kvfree_->census(cache)) out.push_back(std::move(line));
  return out;
}

void Reclaim::kmem_cache_destroy(Cpu& cpu, std::uint32_t cache) {
  if (has_kvfree_rcu_barrier()) kvfree_rcu_barrier(cpu);  // 6c6c47b063b5
  if (k_.stopped()) return;
  cpu.sync();
  const std::string& name = k_.heap.cache(cache).name;
  const auto note = [&](const std::string& text) {
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::note, 0, 0, 0, -1, -1, text});
  };
  const std::uint64_t live = k_.heap.cache(cache).live;
  note(fmt::format("kmem_cache_destroy {}: {} objects live", name, live));
  for (const std::string& line : census(cache)) note(fmt::format("  {}: {}", name, line));
  rcusim::kmem_cache_destroy(cpu, cache);
}

}  // namespace rcusim

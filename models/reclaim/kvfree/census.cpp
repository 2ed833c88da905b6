// What the batching holds, for the end of a run and for the timeline at kmem_cache_destroy().
#include <fmt/format.h>

#include <algorithm>

#include "models/kernel/kernel.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/kvfree/kvfree.hpp"

namespace rcusim {

bool KvfreeRcu::idle() const {
  if (!k_.wq->idle()) return false;
  return std::none_of(krc_.begin(), krc_.end(), [](const KfreeRcuCpu& krcp) {
    return krcp.need_offload() ||
           std::any_of(krcp.krw_arr.begin(), krcp.krw_arr.end(),
                       [](const KfreeRcuCpuWork& krw) { return krw.busy() || krw.work.pending; });
  });
}

namespace {

struct Count {
  std::int64_t pages = 0, list = 0;
  std::int64_t total() const { return pages + list; }
};

Count count_of(const Kernel& k, std::uint32_t cache, const std::deque<KvfreeBulkData>& bulk,
               Addr head) {
  const auto mine = [&](Addr a) {
    const auto o = k.heap.find(a);
    return o && o->live && o->cache == cache;
  };
  Count c;
  for (const auto& b : bulk) c.pages += std::count_if(b.records.begin(), b.records.end(), mine);
  for (; head; head = k.heap.read_u64(head + kRcuHeadNext)) c.list += mine(head);
  return c;
}

std::string where(const Count& c) {
  if (c.list && c.pages)
    return fmt::format("{} ({} in pages, {} on the list)", c.total(), c.pages, c.list);
  return fmt::format("{} ({})", c.total(), c.list ? "on the rcu_head list" : "in pages");
}

}  // namespace

std::vector<std::string> KvfreeRcu::census(std::uint32_t cache) const {
  std::vector<std::string> out;
  for (const KfreeRcuCpu& krcp : krc_) {
    std::string line;
    const Count waiting = count_of(k_, cache, krcp.bulk_head, krcp.head);
    if (waiting.total()) line = fmt::format("{} waiting for the monitor", where(waiting));
    for (int i = 0; i < p_.n_batches; ++i) {
      const KfreeRcuCpuWork& krw = krcp.krw_arr[static_cast<std::size_t>(i)];
      const Count c = count_of(k_, cache, krw.bulk_head_free, krw.head_free);
      if (!c.total()) continue;
      line += fmt::format("{}{} in flight in batch {}", line.empty() ? "" : ", ", where(c), i);
    }
    if (!line.empty()) out.push_back(fmt::format("CPU {} kfree_rcu_cpu: {}", krcp.cpu, line));
  }
  return out;
}

}  // namespace rcusim

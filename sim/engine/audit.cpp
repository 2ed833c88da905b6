#include "sim/engine/audit.hpp"

#include <fmt/format.h>

#include "models/kernel/kernel.hpp"
#include "models/rcu/flavor.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/encoding.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {

void audit_pending_callbacks(Kernel& k, Cycles end) {
  for (int c = 0; c < k.ncpus(); ++c) {
    std::uint64_t doomed = 0;
    Addr first_func = 0;
    k.rcu->for_each_queued(c, [&](Addr head) {
      const std::uint64_t word = k.heap.read_u64(head + kRcuHeadFunc);
      if (decode_kfree_offset(k.reclaim->encoding(), word)) return;
      const auto id = k.syms.resolve_any(word);
      if (id && k.syms.resolve(word)) return;  // mapped text: fine
      if (!doomed++) first_func = word;
    });
    if (!doomed) continue;
    k.stats.failures.push_back(
        {end.v, c, "oops",
         fmt::format("{} callback(s) still queued on CPU {} at the end of the run point into "
                     "unmapped text, first {}: invoking them will oops",
                     doomed, c, k.syms.symbolize(first_func))});
  }
}

}  // namespace rcusim

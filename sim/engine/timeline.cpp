#include "sim/engine/timeline.hpp"

#include <fmt/format.h>
#include <algorithm>

#include "models/reclaim/reclaim.hpp"

namespace rcusim {

void Timeline::on_event(const TraceEvent& e) {
  std::string line = line_for(e);
  if (!line.empty()) entries_.push_back({e.time, e.cpu, entries_.size(), std::move(line)});
}

std::string Timeline::line_for(const TraceEvent& e) const {
  const std::string* label = board_.label_of(e.head);
  switch (e.ev) {
    case Ev::note: return std::string(e.detail);
    case Ev::rcu_callback:
      if (!label) return {};
      return fmt::format("queued {}: call_rcu({}), qlen {}", *label, k_.syms.symbolize(e.func),
                         e.qlen);
    case Ev::rcu_kvfree_callback:
      if (!label) return {};
      return fmt::format("queued {}: kfree_rcu(), offset {}, qlen {}", *label, e.func, e.qlen);
    case Ev::rcu_donelist: {
      const auto [n, names] = board_.labels_in(e.list, e.count);
      if (!e.detail.empty())  // Tree RCU: rcu_segcblist_advance() moved them into RCU_DONE_TAIL
        return fmt::format("{} -> RCU_DONE_TAIL (gp_seq {}): {} callbacks{}{}", e.detail, e.gp, n,
                           names.empty() ? "" : " incl. ", names);
      return fmt::format("curlist -> donelist (batch {}): {} callbacks{}{}", e.gp, n,
                         names.empty() ? "" : " incl. ", names);
    }
    case Ev::rcu_grace_period:
      return e.detail == "end" ? fmt::format("grace period {} ends", e.gp) : std::string();
    case Ev::rcu_invoke_kvfree_callback:
      return label ? fmt::format("invoked {}: kfree(head - {})", *label, e.func) : std::string();
    case Ev::rcu_invoke_callback: {
      if (!label) return {};
      const auto id = k_.syms.resolve_entry(e.func);
      const bool oops = !id || path_of(k_.syms.fn(*id).kind) == Path::failed;
      return fmt::format("invoked {}: call {}{}", *label, k_.syms.symbolize(e.func),
                         oops ? ": OOPS" : "");
    }
    case Ev::module_load: return fmt::format("load {}", e.detail);
    case Ev::module_unload:
      return fmt::format("unload {}: text at {:x} unmapped", e.detail, e.head);
    case Ev::rcu_barrier:
      if (e.detail == "start") return "rcu_barrier() begins: on_each_cpu(rcu_barrier_func)";
      if (e.detail == "done")
        return fmt::format("rcu_barrier() returns after {:.1f} us",
                           static_cast<double>(e.count) / 1e3);
      // Tree RCU (v6.6): the caller's own steps; the per-CPU ones stay in events.csv.
      if (e.detail == "Begin") return "rcu_barrier() begins: entrain on each CPU with callbacks";
      if (e.detail == "Inc2") return "rcu_barrier() returns: every entrained callback has run";
      return {};
    default: return {};
  }
}

std::string Timeline::text() const {
  std::vector<Entry> t = entries_;
  std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) {
    return a.time != b.time ? a.time < b.time : a.cpu != b.cpu ? a.cpu < b.cpu : a.seq < b.seq;
  });
  std::string out = "timeline (simulated time, CPU, step):\n";
  for (const auto& e : t)
    out += fmt::format("  {:>12.3f} us  CPU {:<3} {:>{}}{}\n",
                       static_cast<double>(k_.freq.to_ns(Cycles{e.time})) / 1e3, e.cpu, "",
                       e.cpu * 2, e.text);
  return out;
}

}  // namespace rcusim

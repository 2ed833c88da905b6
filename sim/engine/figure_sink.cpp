#include "sim/engine/figure_sink.hpp"

#include <algorithm>

namespace rcusim {
namespace {

// By event name (to_string(Ev)), so the kernel's names and their pre-v5.6 forms both work.
struct Named {
  std::string_view ev;
  int role;
};

}  // namespace

FigureSink::FigureSink(int cpus, const Frequency& f)
    : roles_(static_cast<std::size_t>(Ev::count), none),
      per_cpu_(static_cast<std::size_t>(cpus)),
      freq_(f) {
  const Named named[] = {{"rcu_grace_period", gp},
                         {"rcu_callback", queue},
                         {"rcu_kvfree_callback", queue},
                         {"rcu_kfree_callback", queue},
                         {"rcu_invoke_callback", invoke},
                         {"rcu_invoke_kvfree_callback", invoke},
                         {"rcu_invoke_kfree_callback", invoke},
                         {"rcu_batch_start", batch_start},
                         {"rcu_batch_end", batch_end}};
  for (std::size_t i = 0; i < roles_.size(); ++i)
    for (const Named& n : named)
      if (n.ev == to_string(static_cast<Ev>(i))) roles_[i] = static_cast<Role>(n.role);
}

EvMask FigureSink::kinds() const {
  EvMask m = 0;
  for (std::size_t i = 0; i < roles_.size(); ++i)
    if (roles_[i] != none) m |= ev_bit(static_cast<Ev>(i));
  return m;
}

void FigureSink::on_event(const TraceEvent& e) {
  if (e.cpu < 0 || static_cast<std::size_t>(e.cpu) >= per_cpu_.size()) return;
  RcuEvent r;
  r.ns = freq_.to_ns(Cycles{e.time});
  switch (roles_[static_cast<std::size_t>(e.ev)]) {
    case none: return;
    case gp:
      if (e.detail != "start" && e.detail != "end") return;
      r.kind = e.detail == "start" ? RcuEvent::gp_start : RcuEvent::gp_end;
      r.seq = e.gp;
      break;
    case queue: r.kind = RcuEvent::queue, r.head = e.head; break;
    case invoke: r.kind = RcuEvent::invoke, r.head = e.head; break;
    case batch_start: r.kind = RcuEvent::batch_start, r.a = e.qlen, r.b = e.count; break;
    case batch_end: r.kind = RcuEvent::batch_end, r.a = e.count; break;
  }
  per_cpu_[static_cast<std::size_t>(e.cpu)].push_back(r);
}

std::vector<RcuEvent> FigureSink::merged() const {
  std::vector<std::pair<std::size_t, std::size_t>> order;  // cpu, index
  for (std::size_t c = 0; c < per_cpu_.size(); ++c)
    for (std::size_t i = 0; i < per_cpu_[c].size(); ++i) order.push_back({c, i});
  std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) {
    return per_cpu_[x.first][x.second].ns < per_cpu_[y.first][y.second].ns;
  });
  std::vector<RcuEvent> out;
  out.reserve(order.size());
  for (const auto& [c, i] : order) out.push_back(per_cpu_[c][i]);
  return out;
}

}  // namespace rcusim

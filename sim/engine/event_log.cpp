#include "sim/engine/event_log.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <queue>

namespace rcusim {

void EventLog::on_event(const TraceEvent& e) {
  if (e.ev == Ev::note) return;  // timeline text, not a tracepoint
  per_cpu_[static_cast<std::size_t>(e.cpu)].push_back({e.time, e.cpu, e.ev, e.gp, e.head, e.func,
                                                       e.qlen, e.count, intern(e.detail), e.level,
                                                       e.grplo, e.grphi, e.mask, e.qsmask});
}

std::uint32_t EventLog::intern(std::string_view s) {
  if (s.empty()) return 0;
  auto [it, fresh] =
      text_ids_.try_emplace(std::string(s), static_cast<std::uint32_t>(texts_.size()));
  if (fresh) texts_.emplace_back(s);
  return it->second;
}

std::vector<LoggedEvent> EventLog::merged() const {
  auto earlier = [](const LoggedEvent& a, const LoggedEvent& b) { return a.time < b.time; };
  // Buffers a kthread also wrote to are put in time order first (insertion order among equals).
  std::vector<std::vector<LoggedEvent>> sorted(per_cpu_.size());
  std::vector<const std::vector<LoggedEvent>*> per_cpu(per_cpu_.size());
  for (std::size_t c = 0; c < per_cpu_.size(); ++c) {
    per_cpu[c] = &per_cpu_[c];
    if (std::is_sorted(per_cpu_[c].begin(), per_cpu_[c].end(), earlier)) continue;
    sorted[c] = per_cpu_[c];
    std::stable_sort(sorted[c].begin(), sorted[c].end(), earlier);
    per_cpu[c] = &sorted[c];
  }
  std::vector<LoggedEvent> out;
  std::size_t n = 0;
  for (const auto& v : per_cpu_) n += v.size();
  out.reserve(n);
  // k-way merge: each per-CPU buffer is already in time order.
  using Head = std::pair<std::size_t, std::size_t>;  // cpu, index
  auto later = [&](const Head& a, const Head& b) {
    const auto& x = (*per_cpu[a.first])[a.second];
    const auto& y = (*per_cpu[b.first])[b.second];
    return x.time != y.time ? x.time > y.time : a.first > b.first;
  };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> q(later);
  for (std::size_t c = 0; c < per_cpu.size(); ++c)
    if (!per_cpu[c]->empty()) q.emplace(c, 0);
  while (!q.empty()) {
    auto [c, i] = q.top();
    q.pop();
    out.push_back((*per_cpu[c])[i]);
    if (i + 1 < per_cpu[c]->size()) q.emplace(c, i + 1);
  }
  return out;
}

void EventLog::write_csv(std::ostream& os, const Frequency& f) const {
  os << "time_ns,cpu,event,gp,head,func,qlen,count,detail,level,grplo,grphi,mask,qsmask\n";
  std::string line;
  for (const auto& e : merged()) {
    line.clear();
    fmt::format_to(std::back_inserter(line), "{},{},{},", f.to_ns(Cycles{e.time}), e.cpu,
                   to_string(e.ev));
    if (e.gp) fmt::format_to(std::back_inserter(line), "{}", e.gp);
    line += ',';
    if (e.head) fmt::format_to(std::back_inserter(line), "0x{:x}", e.head);
    line += ',';
    // kfree events carry the decoded byte offset, as the kernel's tracepoints print offset=%ld.
    if (e.ev == Ev::rcu_kvfree_callback || e.ev == Ev::rcu_invoke_kvfree_callback)
      fmt::format_to(std::back_inserter(line), "{}", e.func);
    else if (e.func)
      fmt::format_to(std::back_inserter(line), "0x{:x}", e.func);
    line += ',';
    if (e.qlen >= 0) fmt::format_to(std::back_inserter(line), "{}", e.qlen);
    line += ',';
    if (e.count >= 0) fmt::format_to(std::back_inserter(line), "{}", e.count);
    line += ',';
    if (e.text) {
      std::string t = texts_[e.text];
      for (auto& ch : t)
        if (ch == '"') ch = '\'';
      line += '"' + t + '"';
    }
    if (e.level >= 0)  // an rcu_node event: its place in the tree and its masks
      fmt::format_to(std::back_inserter(line), ",{},{},{},0x{:x},0x{:x}\n", e.level, e.grplo,
                     e.grphi, e.mask, e.qsmask);
    else
      line += ",,,,,\n";
    os << line;
  }
}

}  // namespace rcusim

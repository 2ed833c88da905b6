#include "sim/engine/replay_input.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <variant>

namespace rcusim {
namespace {

namespace ft = ftrace;

constexpr std::int64_t kMaxKvfreeOffset = 4096;
constexpr std::size_t kReported = 5;

// The rcu_head as a number to match queue and invocation by; 0 when the trace hides it.
std::uint64_t head(const ft::RcuPtr& p) { return p.text.empty() ? p.value : 0; }

// The comparison's view of one record, if it has one.
std::optional<RcuEvent> figure_event(const ft::RcuFields& f) {
  RcuEvent e;
  if (const auto* g = std::get_if<ft::GracePeriod>(&f)) {
    if (g->gpevent != "start" && g->gpevent != "end") return std::nullopt;
    e.kind = g->gpevent == "start" ? RcuEvent::gp_start : RcuEvent::gp_end;
    e.seq = g->gp_seq;
  } else if (const auto* c = std::get_if<ft::Callback>(&f)) {
    e.kind = RcuEvent::queue, e.head = head(c->rhp);
  } else if (const auto* k = std::get_if<ft::KvfreeCallback>(&f)) {
    e.kind = RcuEvent::queue, e.head = head(k->rhp);
  } else if (const auto* i = std::get_if<ft::InvokeCallback>(&f)) {
    e.kind = RcuEvent::invoke, e.head = head(i->rhp);
  } else if (const auto* ik = std::get_if<ft::InvokeKvfreeCallback>(&f)) {
    e.kind = RcuEvent::invoke, e.head = head(ik->rhp);
  } else if (const auto* bs = std::get_if<ft::BatchStart>(&f)) {
    e.kind = RcuEvent::batch_start, e.a = bs->qlen, e.b = bs->blimit;
  } else if (const auto* be = std::get_if<ft::BatchEnd>(&f)) {
    e.kind = RcuEvent::batch_end, e.a = be->callbacks_invoked;
  } else {
    return std::nullopt;
  }
  return e;
}

}  // namespace

ReplayInput replay_input(const std::vector<ft::RcuRecord>& events) {
  ReplayInput in;
  if (events.empty()) return in;
  // Raw per-CPU buffers read one after another are not in time order: sort, keeping the
  // trace's order among equal times.
  std::vector<const ft::RcuRecord*> order;
  for (const auto& r : events) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->line.ts_ns < b->line.ts_ns; });
  in.first_ns = order.front()->line.ts_ns;
  in.span_ns = order.back()->line.ts_ns - in.first_ns;
  std::set<std::string> seen;
  for (const ft::RcuRecord* r : order) {
    const std::int64_t t = r->line.ts_ns - in.first_ns;
    in.cpus = std::max(in.cpus, r->line.cpu + 1);
    const auto* k = std::get_if<ft::KvfreeCallback>(&r->fields);
    if (k && (k->offset < 0 || k->offset >= kMaxKvfreeOffset)) {
      if (in.bad_offsets++ < kReported)
        in.first_bad_offsets.push_back(
            {r->line_no, fmt::format("{}: offset {} is not a kvfree_rcu() offset (0 to {})",
                                     r->line.event, k->offset, kMaxKvfreeOffset - 1)});
      continue;
    }
    if (auto e = figure_event(r->fields)) {
      e->ns = t;
      in.traced.push_back(*e);
    }
    if (const auto* c = std::get_if<ft::Callback>(&r->fields)) {
      in.callbacks.push_back({t, r->line.cpu, c->func, -1});
      if (seen.insert(c->func).second) in.functions.push_back(c->func);
    } else if (k) {
      in.callbacks.push_back({t, r->line.cpu, {}, k->offset});
    }
  }
  return in;
}

}  // namespace rcusim

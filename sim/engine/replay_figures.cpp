#include "sim/engine/replay_figures.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace rcusim {

RcuFigures rcu_figures(const std::vector<RcuEvent>& events) {
  RcuFigures f;
  std::vector<std::pair<std::int64_t, std::int64_t>> open_gps;  // number, start ns
  std::unordered_map<std::uint64_t, std::int64_t> queued_at;    // rcu_head -> ns
  for (const RcuEvent& e : events) {
    switch (e.kind) {
      case RcuEvent::gp_start: open_gps.push_back({e.seq, e.ns}); break;
      case RcuEvent::gp_end:
        for (auto it = open_gps.rbegin(); it != open_gps.rend(); ++it)
          if (it->first <= e.seq) {
            f.gp_ns.push_back(e.ns - it->second);
            open_gps.erase(std::next(it).base());
            break;
          }
        break;
      case RcuEvent::queue:
        ++f.queued;
        if (e.head) queued_at[e.head] = e.ns;
        break;
      case RcuEvent::invoke:
        ++f.invoked;
        if (auto it = queued_at.find(e.head); e.head && it != queued_at.end()) {
          f.latency_ns.push_back(e.ns - it->second);
          queued_at.erase(it);
        }
        break;
      case RcuEvent::batch_start:
        f.batch_cbs.push_back(e.a);
        f.batch_limit.push_back(e.b);
        break;
      case RcuEvent::batch_end: f.batch_invoked.push_back(e.a); break;
    }
  }
  return f;
}

namespace {

// Nearest-rank percentiles of the exact values.
nlohmann::json stats(std::vector<std::int64_t> v) {
  nlohmann::json j = {{"count", v.size()}};
  if (v.empty()) {
    for (const char* k : {"p50", "p99", "max", "mean"}) j[k] = nullptr;
    return j;
  }
  std::sort(v.begin(), v.end());
  const auto rank = [&](double q) {
    const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::max<std::size_t>(i, 1) - 1];
  };
  long double sum = 0;
  for (std::int64_t x : v) sum += static_cast<long double>(x);
  j["p50"] = rank(0.50);
  j["p99"] = rank(0.99);
  j["max"] = v.back();
  j["mean"] =
      std::round(static_cast<double>(sum / static_cast<long double>(v.size())) * 1000) / 1000;
  return j;
}

}  // namespace

nlohmann::json figures_json(const RcuFigures& f) {
  return {{"callbacks_queued", f.queued},        {"callbacks_invoked", f.invoked},
          {"grace_period_ns", stats(f.gp_ns)},   {"batch_cbs", stats(f.batch_cbs)},
          {"batch_limit", stats(f.batch_limit)}, {"batch_invoked", stats(f.batch_invoked)},
          {"latency_ns", stats(f.latency_ns)}};
}

}  // namespace rcusim

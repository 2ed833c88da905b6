// The grace-period guarantee read off events.csv: a callback queued at tq and invoked at ti
// needs a grace period that started at or after tq and ended at or before ti.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rcusim::test {

struct Gp {
  std::int64_t start = -1, end = -1;
};
struct Cb {
  std::int64_t queued, invoked;
  std::string head;
};

// Returns the callbacks that violate the guarantee.
inline std::vector<Cb> early_callbacks(const std::vector<std::map<std::string, std::string>>& ev) {
  std::map<long, Gp> gps;
  std::map<std::string, std::vector<std::int64_t>> queued;  // head -> FIFO of queue times
  std::vector<Cb> cbs;
  for (const auto& e : ev) {
    const std::string& name = e.at("event");
    const std::int64_t t = std::stoll(e.at("time_ns"));
    if (name == "rcu_grace_period") {
      const long gp = e.at("gp").empty() ? 0 : std::stol(e.at("gp"));  // events.csv omits 0
      if (e.at("detail") == "\"start\"") gps[gp].start = t;
      if (e.at("detail") == "\"end\"") gps[gp].end = t;
    } else if (name == "rcu_callback" || name == "rcu_kvfree_callback") {
      queued[e.at("head")].push_back(t);
    } else if (name == "rcu_invoke_callback" || name == "rcu_invoke_kvfree_callback") {
      auto& q = queued[e.at("head")];
      if (q.empty()) continue;
      cbs.push_back({q.front(), t, e.at("head")});
      q.erase(q.begin());
    }
  }
  std::vector<Cb> bad;
  for (const auto& c : cbs) {
    const bool ok = std::any_of(gps.begin(), gps.end(), [&](const auto& g) {
      return g.second.start >= c.queued && g.second.end >= 0 && g.second.end <= c.invoked;
    });
    if (!ok) bad.push_back(c);
  }
  return bad;
}

}  // namespace rcusim::test

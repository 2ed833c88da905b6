// Named events scripts wait for ("invoked:a", "donelist:0", "gp_end", "unload:mymod", ...), and
// the per-CPU timeline `rcusim run` prints for scripted scenarios.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rcusim {

struct NamedEvent {
  std::uint64_t count = 0;
  std::int64_t last = -1;  // cycles
};

struct TimelineEntry {
  std::int64_t time;  // cycles
  int cpu;
  std::uint64_t seq;
  std::string text;
};

class EventBoard {
 public:
  void fire(const std::string& name, std::int64_t t) {
    auto& e = events_[name];
    ++e.count;
    e.last = t;
  }
  std::uint64_t count(const std::string& name) const {
    auto it = events_.find(name);
    return it == events_.end() ? 0 : it->second.count;
  }
  std::int64_t last(const std::string& name) const {
    auto it = events_.find(name);
    return it == events_.end() ? -1 : it->second.last;
  }

 private:
  std::map<std::string, NamedEvent> events_;
};

}  // namespace rcusim

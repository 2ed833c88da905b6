// What scripts wait for and what they name: the labels scripts give the callbacks they queue, and
// the named events ("queued:a", "donelist:a", "donelist:0", "invoked:a", "gp_end",
// "unload:mymod", "barrier_done:1"), fired from the tracepoint hook as the models report what
// happened. A sink subscribed only when the scenario has scripts: the models do not know.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/base/tracepoint.hpp"

namespace rcusim {

class Kernel;

class ScriptBoard final : public EventSink {
 public:
  explicit ScriptBoard(Kernel& k) : k_(k) {}
  void on_event(const TraceEvent& e) override;

  // Names the callback at `head` until it is invoked.
  void label(Addr head, std::string name) { labels_[head] = std::move(name); }
  const std::string* label_of(Addr head) const;
  // The length of the rcu_head list starting at `list` (at most `count` heads, -1 = to its end)
  // and its labelled callbacks, ", "-joined.
  std::pair<long, std::string> labels_in(Addr list, std::int64_t count = -1) const;

  std::uint64_t count(const std::string& name) const;  // times the event happened
  std::int64_t last(const std::string& name) const;    // cycles of the last one, -1 if none

  std::vector<std::int64_t> busy_lengths_ns;  // as drawn, for explore's report

 private:
  struct Named {
    std::uint64_t count = 0;
    std::int64_t last = -1;
  };
  void fire(const std::string& name, std::int64_t t);
  Kernel& k_;
  std::unordered_map<Addr, std::string> labels_;
  std::map<std::string, Named> events_;
};

}  // namespace rcusim

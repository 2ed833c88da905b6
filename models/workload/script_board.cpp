#include "models/workload/script_board.hpp"

#include "models/kernel/kernel.hpp"
#include "models/rcu/rcu_head.hpp"

namespace rcusim {

const std::string* ScriptBoard::label_of(Addr head) const {
  if (labels_.empty()) return nullptr;
  const auto it = labels_.find(head);
  return it == labels_.end() ? nullptr : &it->second;
}

std::pair<long, std::string> ScriptBoard::labels_in(Addr list, std::int64_t count) const {
  long n = 0;
  std::string names;
  for (Addr h = list; h && n != count; h = k_.heap.read_u64(h + kRcuHeadNext), ++n)
    if (const std::string* l = label_of(h)) names += (names.empty() ? "" : ", ") + *l;
  return {n, names};
}

std::uint64_t ScriptBoard::count(const std::string& name) const {
  const auto it = events_.find(name);
  return it == events_.end() ? 0 : it->second.count;
}

std::int64_t ScriptBoard::last(const std::string& name) const {
  const auto it = events_.find(name);
  return it == events_.end() ? -1 : it->second.last;
}

void ScriptBoard::fire(const std::string& name, std::int64_t t) {
  Named& e = events_[name];
  ++e.count;
  e.last = t;
  k_.wake_waiters();
}

void ScriptBoard::on_event(const TraceEvent& e) {
  switch (e.ev) {
    case Ev::rcu_callback:
    case Ev::rcu_kvfree_callback:
      if (const std::string* l = label_of(e.head)) fire("queued:" + *l, e.time);
      break;
    case Ev::rcu_donelist: {
      std::int64_t n = 0;
      for (Addr h = e.list; h && n != e.count; h = k_.heap.read_u64(h + kRcuHeadNext), ++n)
        if (const std::string* l = label_of(h)) fire("donelist:" + *l, e.time);
      fire("donelist:" + std::to_string(e.cpu), e.time);
      break;
    }
    case Ev::rcu_invoke_callback:
    case Ev::rcu_invoke_kvfree_callback:
      if (const std::string* l = label_of(e.head)) {
        const std::string name = "invoked:" + *l;
        labels_.erase(e.head);  // the rcu_head may be reused for another object
        fire(name, e.time);
      }
      break;
    case Ev::rcu_grace_period:
      if (e.detail == "end") fire("gp_end", e.time);
      break;
    case Ev::module_unload: fire("unload:" + std::string(e.detail), e.time); break;
    case Ev::rcu_barrier:  // 2.6.27's "done", v6.6's "Inc2"
      if (e.detail == "done" || e.detail == "Inc2")
        fire("barrier_done:" + std::to_string(e.cpu), e.time);
      break;
    default: break;
  }
}

}  // namespace rcusim

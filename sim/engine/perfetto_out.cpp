#include "sim/engine/perfetto_out.hpp"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <ostream>

namespace rcusim {
// Its own namespace keeps these names apart from ftrace_out.cpp's in a unity build.
namespace perfetto {
namespace {

using nlohmann::json;

enum class Role : std::uint8_t {
  begin,      // opens a slice of kind `slice`
  end,        // closes it
  by_detail,  // detail "start" opens, "end" or "done" closes, others are instants
  gp,         // rcu_grace_period: start and end bound the async slice, other phases are instants
  instant,    // on the CPU's track
  global,     // across the whole trace
};

enum Slice : std::uint8_t { softirq, batch, reader, busy, kthread, barrier, kSlices };

struct Row {
  std::string_view ev;
  Role role;
  Slice slice;
  std::string_view name;  // slice or instant name; empty: the event's own name
};

// By event name (to_string(Ev)), as trace.txt's table; events not listed are instants.
constexpr Row kRows[] = {
    {"softirq_entry", Role::begin, softirq, "RCU softirq"},
    {"softirq_exit", Role::end, softirq, ""},
    {"rcu_batch_start", Role::begin, batch, "rcu_do_batch"},
    {"rcu_batch_end", Role::end, batch, ""},
    {"read_lock", Role::begin, reader, "read-side critical section"},
    {"read_unlock", Role::end, reader, ""},
    {"busy", Role::by_detail, busy, "busy"},
    {"kthread_begin", Role::begin, kthread, ""},
    {"kthread_end", Role::end, kthread, ""},
    {"rcu_barrier", Role::by_detail, barrier, "rcu_barrier"},
    {"rcu_grace_period", Role::gp, softirq, ""},
    {"rcu_callback", Role::instant, softirq, "call_rcu"},
    {"rcu_kvfree_callback", Role::instant, softirq, "kfree_rcu"},
    {"rcu_kfree_callback", Role::instant, softirq, "kfree_rcu"},
    {"rcu_invoke_callback", Role::instant, softirq, "invoke"},
    {"rcu_invoke_kvfree_callback", Role::instant, softirq, "invoke kvfree"},
    {"rcu_invoke_kfree_callback", Role::instant, softirq, "invoke kvfree"},
    {"module_load", Role::global, softirq, "module load"},
    {"module_unload", Role::global, softirq, "module unload"},
    {"oops", Role::global, softirq, "oops"},
    {"bug", Role::global, softirq, "BUG"},
    {"use_after_free", Role::global, softirq, "use-after-free"},
};
constexpr Row kInstant{"", Role::instant, softirq, ""};

class Writer {
 public:
  Writer(std::ostream& os, const TraceRecorder& rec, const RecordedTrace& t)
      : os_(os),
        rec_(rec),
        freq_(rec.kernel().freq),
        open_(static_cast<std::size_t>(rec.kernel().ncpus())),
        rows_(static_cast<std::size_t>(Ev::count), &kInstant) {
    for (std::size_t i = 0; i < rows_.size(); ++i)
      for (const Row& row : kRows)
        if (row.ev == to_string(static_cast<Ev>(i))) rows_[i] = &row;
    start_ns_ = rec.options().window_start_ns;
    end_ns_ = t.events.empty() ? start_ns_ : ns(t.events.back());
  }

  void metadata(const std::string& title) {
    put({{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", title}}}});
    for (int c = 0; c < rec_.kernel().ncpus(); ++c) {
      put({{"name", "thread_name"},
           {"ph", "M"},
           {"pid", 1},
           {"tid", c + 1},
           {"args", {{"name", fmt::format("CPU {}", c)}}}});
      put({{"name", "thread_sort_index"},
           {"ph", "M"},
           {"pid", 1},
           {"tid", c + 1},
           {"args", {{"sort_index", c}}}});
    }
  }

  void event(const Recorded& r) {
    const Row& row = *rows_[static_cast<std::size_t>(r.ev)];
    const std::string& detail = rec_.text(r.text);
    switch (row.role) {
      case Role::begin: return open(r, row);
      case Role::end: return close(r, row.slice);
      case Role::by_detail:  // v6.6's rcu_barrier phases too: Begin ... Inc2 or EarlyExit
        if (detail == "start" || detail == "Begin") return open(r, row);
        if (detail == "end" || detail == "done" || detail == "Inc2" || detail == "EarlyExit")
          return close(r, row.slice);
        return instant(r, kInstant, "t");
      case Role::gp: return grace_period(r, detail);
      case Role::instant: return instant(r, row, "t");
      case Role::global: return instant(r, row, "g");
    }
  }

  // Slices still open at the end of the trace last until its last event.
  void finish() {
    for (std::size_t c = 0; c < open_.size(); ++c)
      for (auto& stack : open_[c])
        while (!stack.empty()) {
          complete(static_cast<int>(c), stack.back(), end_ns_, {});
          stack.pop_back();
        }
    for (const auto& [seq, t] : gps_)  // grace periods that had not ended: begin only
      put({{"name", fmt::format("grace period {}", seq)},
           {"cat", "rcu"},
           {"ph", "b"},
           {"id", std::to_string(seq)},
           {"pid", 1},
           {"ts", us(t)}});
  }

 private:
  struct Open {
    std::int64_t ns;
    std::string name;
    json args;
  };

  std::int64_t ns(const Recorded& r) const { return freq_.to_ns(Cycles{r.time}); }
  static double us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

  void put(const json& j) {
    os_ << (first_ ? "\n" : ",\n") << j.dump();
    first_ = false;
  }

  json args(const Recorded& r) const {
    json a = json::object();
    switch (r.ev) {
      case Ev::rcu_callback:
      case Ev::rcu_invoke_callback: a["func"] = rec_.symbol(r); break;
      case Ev::rcu_batch_start: a["bl"] = r.count; break;
      case Ev::rcu_batch_end: a["invoked"] = r.count; break;
      default:
        if (to_string(r.ev).find("kfree_callback") != std::string_view::npos ||
            to_string(r.ev).find("kvfree_callback") != std::string_view::npos)
          a["offset"] = r.func;
        else if (r.count >= 0)
          a["count"] = r.count;
    }
    if (r.head) a["rhp"] = fmt::format("0x{:x}", r.head);
    if (r.gp) a["gp"] = r.gp;
    if (r.qlen >= 0) a["qlen"] = r.qlen;
    if (r.text) a["detail"] = rec_.text(r.text);
    return a;
  }

  std::string slice_name(const Recorded& r, const Row& row) const {
    if (!row.name.empty()) return std::string(row.name);
    if (r.ctx.task == TaskKind::ksoftirqd) return rec_.comm_pid(r).first;
    return rec_.text(r.text);
  }

  void open(const Recorded& r, const Row& row) {
    open_[static_cast<std::size_t>(r.cpu)][row.slice].push_back(
        {ns(r), slice_name(r, row), args(r)});
  }

  // An end without its begin (before the window) starts the slice at the window's start.
  void close(const Recorded& r, Slice s) {
    auto& stack = open_[static_cast<std::size_t>(r.cpu)][s];
    Open o =
        stack.empty() ? Open{start_ns_, std::string(), json::object()} : std::move(stack.back());
    if (!stack.empty()) stack.pop_back();
    if (o.name.empty()) o.name = s == kthread ? rec_.text(r.text) : std::string(to_string(r.ev));
    complete(r.cpu, o, ns(r), args(r));
  }

  void complete(int cpu, const Open& o, std::int64_t end, const json& end_args) {
    json a = o.args;
    for (const auto& [k, v] : end_args.items()) a[k] = v;
    put({{"name", o.name},
         {"ph", "X"},
         {"pid", 1},
         {"tid", cpu + 1},
         {"ts", us(o.ns)},
         {"dur", us(end - o.ns)},
         {"args", a}});
  }

  // Classic RCU numbers a grace period's start and end alike; Tree RCU's gp_seq moves from
  // start (state 1) to end (next multiple of 4): an end closes the latest open start at or
  // below its number.
  void grace_period(const Recorded& r, const std::string& phase) {
    if (phase == "start") {
      gps_.push_back({r.gp, ns(r)});
      return;
    }
    if (phase != "end") return instant(r, kInstant, "t");
    for (auto it = gps_.rbegin(); it != gps_.rend(); ++it) {
      if (it->first > r.gp) continue;
      const std::string name = fmt::format("grace period {}", it->first);
      put({{"name", name},
           {"cat", "rcu"},
           {"ph", "b"},
           {"id", std::to_string(it->first)},
           {"pid", 1},
           {"ts", us(it->second)}});
      put({{"name", name},
           {"cat", "rcu"},
           {"ph", "e"},
           {"id", std::to_string(it->first)},
           {"pid", 1},
           {"ts", us(ns(r))}});
      gps_.erase(std::next(it).base());
      return;
    }
  }

  void instant(const Recorded& r, const Row& row, const char* scope) {
    std::string name = row.name.empty() ? std::string(to_string(r.ev)) : std::string(row.name);
    if (r.ev == Ev::rcu_grace_period) name = fmt::format("{} gp {}", rec_.text(r.text), r.gp);
    put({{"name", name},
         {"ph", "i"},
         {"s", scope},
         {"pid", 1},
         {"tid", r.cpu + 1},
         {"ts", us(ns(r))},
         {"args", args(r)}});
  }

  std::ostream& os_;
  const TraceRecorder& rec_;
  const Frequency& freq_;
  std::vector<std::array<std::vector<Open>, kSlices>> open_;  // per CPU, per slice kind
  std::vector<const Row*> rows_;
  std::vector<std::pair<std::int64_t, std::int64_t>> gps_;  // open grace periods: number, ns
  std::int64_t start_ns_ = 0, end_ns_ = 0;
  bool first_ = true;
};

}  // namespace
}  // namespace perfetto

void write_perfetto(std::ostream& os, const TraceRecorder& rec, const RecordedTrace& t,
                    const std::string& title) {
  perfetto::Writer w(os, rec, t);
  os << "{\"displayTimeUnit\": \"ns\",\n\"otherData\": "
     << perfetto::json{{"rcusim_version", RCUSIM_VERSION},
                       {"title", title},
                       {"dropped_events", t.dropped},
                       {"outside_window", t.outside_window}}
            .dump()
     << ",\n\"traceEvents\": [";
  w.metadata(title);
  for (const Recorded& r : t.events) w.event(r);
  w.finish();
  os << "\n]}\n";
}

}  // namespace rcusim

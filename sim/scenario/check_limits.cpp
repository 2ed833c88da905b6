// Checks that keep a run possible: a usable output name, one workload per CPU, simulated time
// that can advance, and a heap that holds what is built before the first step.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <vector>

#include "sim/scenario/toml_reader.hpp"

namespace rcusim::detail {
namespace {

const toml::node* key_node(const toml::table& root, std::string_view sect, std::string_view key) {
  const auto* s = root.get(sect);
  if (s && s->is_table() && s->as_table()->get(key)) return s->as_table()->get(key);
  return s ? s : root.get(key);
}

const toml::node* workload_node(const toml::table& root, std::size_t i) {
  const auto* wl = root.get("workload");
  return wl && wl->is_array() ? wl->as_array()->get(i) : nullptr;
}

// Whether a duration can be above zero.
bool can_take_time(const Dist& d) {
  switch (d.kind) {
    case Dist::Kind::constant: return d.a > 0;
    case Dist::Kind::uniform: return d.b > 0;
    case Dist::Kind::exponential: return d.a > 0;
  }
  return true;
}

std::int64_t dist_min(const Dist& d) { return d.kind == Dist::Kind::exponential ? 0 : d.a; }

// What the heap takes for `bytes` at least: SLUB's kmalloc classes are powers of two (from 8)
// and kmalloc_large takes whole pages, a power of two of them (models/heap/heap.cpp).
std::uint64_t kmalloc_bytes(std::uint64_t bytes) {
  return std::bit_ceil(std::max<std::uint64_t>(bytes, 8));
}

}  // namespace

void validate_name(const Config& c, Reader& top, const toml::table& root) {
  const std::string& n = c.name;
  const char* why = nullptr;
  if (n.empty())
    why = "must not be empty: it names the result directory results/<name>";
  else if (n == "." || n == "..")
    why = "must not be \".\" or \"..\": it names a result directory";
  else if (n.size() > 200)
    why = "is longer than 200 characters: it names a result directory";
  else if (std::any_of(n.begin(), n.end(), [](char ch) {
             return ch == '/' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
           }))
    why = "must not contain '/', '\\' or control characters: it names a result directory";
  if (why) top.fail(root.get("name"), "name", fmt::format("\"{}\" {}", n.substr(0, 64), why));
}

// The engine gives a CPU to the first workload naming it; a later one would silently do nothing.
void validate_workload_cpus(const Config& c, Reader& top, const toml::table& root) {
  std::vector<int> owner(static_cast<std::size_t>(c.machine.cpus), -1);
  for (std::size_t i = 0; i < c.workload.size(); ++i)
    for (int cpu : parse_cpu_list(c.workload[i].cpus, static_cast<int>(c.machine.cpus))) {
      int& o = owner[static_cast<std::size_t>(cpu)];
      if (o >= 0)
        top.fail(workload_node(root, i), fmt::format("workload[{}].cpus", i),
                 fmt::format("CPU {} already runs workload[{}]: each CPU runs one workload (give "
                             "each [[workload]] its own cpus)",
                             cpu, o));
      o = static_cast<int>(i);
    }
}

// A workload whose every weighted activity can take zero cycles never lets simulated time pass.
void validate_progress(const Config& c, Reader& top, const toml::table& root) {
  const bool flat = c.memory.model == "flat";
  const bool fetch_costs = flat ? c.memory.ifetch > 0 : c.cache.l1i.latency > 0;
  const bool read_costs = flat ? c.memory.read > 0 : c.cache.l1d.latency > 0;
  const bool write_costs = flat ? c.memory.write > 0 : c.cache.l1d.latency > 0;
  for (std::size_t i = 0; i < c.workload.size(); ++i) {
    const WorkloadConfig& w = c.workload[i];
    const bool reads = w.read > 0 && (can_take_time(w.read_duration.d) || fetch_costs ||
                                      (w.read_objects > 0 && read_costs));
    const bool updates = w.update > 0 && (fetch_costs || read_costs || write_costs ||
                                          c.costs.call_rcu > 0 || c.costs.kmalloc > 0);
    const bool user = w.user > 0 && can_take_time(w.user_duration.d);
    const bool idle =
        w.idle > 0 && (can_take_time(w.idle_duration.d) || c.costs.context_switch > 0);
    if (!reads && !updates && !user && !idle)
      top.fail(workload_node(root, i), fmt::format("workload[{}]", i),
               "every activity it weighs takes zero time (zero durations, memory costs and "
               "costs.*): simulated time would never advance");
  }
}

// What the world allocates before the first step (models/workload/world.cpp, models/kernel):
// the table, one object per slot, each workload's data, a barrier rcu_head per CPU.
void validate_heap(const Config& c, Reader& top, const toml::table& root) {
  const auto slots = static_cast<std::uint64_t>(c.table.slots);
  const auto obj =
      static_cast<std::uint64_t>(std::max<std::int64_t>(dist_min(c.objects.size.d), 24));
  std::uint64_t need = kmalloc_bytes(slots * 8) + slots * kmalloc_bytes(obj) +
                       static_cast<std::uint64_t>(c.machine.cpus) * 16;
  for (const auto& w : c.workload)
    if (w.data_footprint.bytes) need += kmalloc_bytes(w.data_footprint.bytes);
  if (need > c.heap.size.bytes)
    top.fail(key_node(root, "heap", "size"), "heap.size",
             fmt::format("{} bytes is too small: the table (table.slots = {}), an object per slot "
                         "(objects.size) and the workloads' data_footprint need at least {} bytes",
                         c.heap.size.bytes, slots, need));
}

}  // namespace rcusim::detail

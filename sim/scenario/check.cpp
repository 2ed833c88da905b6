// Checks that span several keys: shares that must add up, costs that must fit a tick, and the
// names modules, callbacks, labels and events refer to.
#include <fmt/format.h>

#include <set>
#include <string>
#include <tuple>

#include "models/reclaim/kvfree/policy.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace rcusim::detail {
namespace {

const toml::node* nth(const toml::table& root, const char* arr, std::size_t i,
                      const char* sub = nullptr, std::size_t j = 0) {
  const auto* a = root.get(arr);
  if (!a || !a->is_array()) return nullptr;
  const auto* e = a->as_array()->get(i);
  if (!sub || !e || !e->is_table()) return e;
  const auto* b = e->as_table()->get(sub);
  return b && b->is_array() ? b->as_array()->get(j) : e;
}

// "12" names a CPU of the machine (digits only, checked by the caller; no overflow).
bool cpu_exists(const std::string& digits, const Config& c) {
  return digits.size() <= 5 && std::stoll(digits) < c.machine.cpus;
}

// Modules, callbacks and scripts refer to each other by name: check every reference.
void validate_scripts(const Config& c, Reader& top, const toml::table& root) {
  std::set<std::string> modules, callbacks, labels, fns;
  // The modules holding the generated object types' callbacks can be unloaded too.
  for (std::int64_t m = 0; m < std::min(c.objects.modules, c.objects.types); ++m)
    modules.insert(fmt::format("mod{}", m));
  for (std::size_t i = 0; i < c.module.size(); ++i) {
    const auto& m = c.module[i];
    const auto* n = nth(root, "module", i);
    if (m.name.empty()) top.fail(n, fmt::format("module[{}].name", i), "required");
    if (!modules.insert(m.name).second)
      top.fail(n, fmt::format("module[{}].name", i), "duplicate module " + m.name);
    for (std::size_t j = 0; j < m.callbacks.size(); ++j) {
      const auto& cb = m.callbacks[j];
      const std::string key = fmt::format("module[{}].callbacks[{}].name", i, j);
      if (cb.name.empty()) top.fail(nth(root, "module", i, "callbacks", j), key, "required");
      if (!fns.insert(cb.name).second)
        top.fail(nth(root, "module", i, "callbacks", j), key, "duplicate function " + cb.name);
      callbacks.insert(cb.name);
    }
  }
  std::set<std::string> caches;  // made by some script's kmem_cache_create
  for (const auto& sc : c.script)
    for (const auto& a : sc.actions) {
      if (!a.label.empty()) labels.insert(a.label);
      if (a.action == "kmem_cache_create") caches.insert(a.cache);
    }
  std::set<std::int64_t> cpus;
  std::set<std::string> seen_labels;
  for (std::size_t i = 0; i < c.script.size(); ++i) {
    const auto& sc = c.script[i];
    const auto* sn = nth(root, "script", i);
    if (sc.cpu >= c.machine.cpus)
      top.fail(sn, fmt::format("script[{}].cpu", i),
               fmt::format("CPU {} does not exist (machine.cpus = {})", sc.cpu, c.machine.cpus));
    if (!cpus.insert(sc.cpu).second)
      top.fail(sn, fmt::format("script[{}].cpu", i),
               fmt::format("CPU {} already has a script", sc.cpu));
    for (std::size_t j = 0; j < sc.actions.size(); ++j) {
      const auto& a = sc.actions[j];
      const auto* n = nth(root, "script", i, "actions", j);
      const auto fail = [&](const char* key, const std::string& msg) {
        top.fail(n, fmt::format("script[{}].actions[{}].{}", i, j, key), msg);
      };
      if (a.action.empty()) fail("do", "required");
      if (a.action == "call_rcu" && !callbacks.count(a.callback))
        fail("callback", a.callback.empty()
                             ? "required for call_rcu"
                             : "no module defines a callback named \"" + a.callback + "\"");
      if ((a.action == "load" || a.action == "unload") && !modules.count(a.module))
        fail("module", a.module.empty() ? "required" : "no [[module]] named \"" + a.module + "\"");
      if ((a.action == "busy" || a.action == "idle" || a.action == "read" || a.action == "user") &&
          a.length.ns <= 0)
        fail("for", "a duration is required for " + a.action);
      if (a.action == "wait" && a.until.empty()) fail("until", "required for wait");
      if (a.action == "kmem_cache_create" && a.cache.empty())
        fail("cache", "required for kmem_cache_create");
      if ((a.action == "kmem_cache_destroy" || (a.action == "kfree_rcu" && !a.cache.empty())) &&
          !caches.count(a.cache))
        fail("cache", a.cache.empty()
                          ? "required for kmem_cache_destroy"
                          : "no kmem_cache_create action makes a cache named \"" + a.cache + "\"");
      const auto batching = c.reclaim.generation().batching;
      if (a.action == "kvfree_rcu_barrier" && !(batching && batching()->barrier))
        fail("do", "kvfree_rcu_barrier() does not exist in reclaim.kfree_rcu = \"" +
                       c.reclaim.kfree_rcu + "\": it came with 6.12 (commit 2b55d6a42d14)");
      if (!a.label.empty() && !seen_labels.insert(a.label).second)
        fail("label", "duplicate label " + a.label);
      for (const auto* ev : {&a.after, &a.until}) {
        if (ev->empty()) continue;
        const std::string& e = *ev;
        const auto colon = e.find(':');
        const std::string kind = e.substr(0, colon),
                          arg = colon == std::string::npos ? "" : e.substr(colon + 1);
        const bool numeric =
            !arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos;
        bool ok = false;
        if (kind == "gp_end")
          ok = arg.empty() && colon == std::string::npos;
        else if (kind == "queued" || kind == "invoked")
          ok = labels.count(arg) > 0;
        else if (kind == "donelist")
          ok = labels.count(arg) > 0 || (numeric && cpu_exists(arg, c));
        else if (kind == "unload")
          ok = modules.count(arg) > 0;
        else if (kind == "barrier_done")
          ok = numeric && cpu_exists(arg, c);
        if (!ok)
          fail(ev == &a.after ? "after" : "until",
               "\"" + e +
                   "\" is not an event: use queued:<label>, donelist:<label>, invoked:<label>, "
                   "donelist:<cpu>, gp_end, unload:<module> or barrier_done:<cpu> with a defined "
                   "label, "
                   "module or CPU");
      }
    }
  }
}

}  // namespace

void validate(const Config& c, Reader& top, const toml::table& root) {
  auto where = [&](std::string_view sect, std::string_view key) -> const toml::node* {
    const auto* s = root.get(sect);
    if (s && s->is_table() && s->as_table()->get(key)) return s->as_table()->get(key);
    return s ? s : nullptr;
  };
  if (c.objects.kfree_only + c.objects.cache_only > 1.0)
    top.fail(where("objects", "cache_only"), "objects.cache_only",
             "kfree_only + cache_only must not exceed 1");
  const auto& h = c.objects.head_offset;
  if (h != "end" && h != "start" && h != "random") {
    std::string why;
    const auto off = quantity::parse_bytes(h, why);
    if (!off)
      top.fail(where("objects", "head_offset"), "objects.head_offset",
               "expected \"end\", \"start\", \"random\" or a byte offset: " + why);
    if (*off > (1u << 20))
      top.fail(where("objects", "head_offset"), "objects.head_offset", "must not exceed 1MiB");
    if (*off < 16)
      top.fail(where("objects", "head_offset"), "objects.head_offset",
               "must be at least 16B: bytes 0-15 hold the object's data and generation words");
  }
  if (const std::string why = validate(c.cache.to_cache(), static_cast<int>(c.machine.cpus));
      !why.empty()) {
    // validate() names "<level>.<field>: why"; point at that key of [cache].
    const std::string field = why.substr(0, why.find(':'));
    const auto dot = field.find('.');
    const toml::node* n = root.get("cache");
    if (n && n->is_table() && dot != std::string::npos) {
      const auto* lvl = n->as_table()->get(field.substr(0, dot));
      if (lvl && lvl->is_table() && lvl->as_table()->get(field.substr(dot + 1)))
        n = lvl->as_table()->get(field.substr(dot + 1));
    }
    top.fail(n, "cache." + field, why.substr(why.find(':') + 2));
  }
  // A tick handler longer than the tick period would never let the CPU run anything else.
  const std::int64_t period =
      static_cast<std::int64_t>(c.machine.freq.hz / static_cast<std::uint64_t>(c.machine.hz));
  if (c.costs.tick + c.costs.softirq >= period / 2)
    top.fail(
        where("costs", "tick"), "costs.tick",
        fmt::format("{} cycles (+ costs.softirq) leave no time between ticks: a tick period is "
                    "{} cycles at machine.freq and machine.hz",
                    c.costs.tick, period));
  if (c.rcuscale.kfree_rcu_test && c.rcuscale.kfree_nthreads > c.machine.cpus)
    top.fail(where("rcuscale", "kfree_nthreads"), "rcuscale.kfree_nthreads",
             fmt::format("{} threads on {} CPUs: at most one per CPU is modelled",
                         c.rcuscale.kfree_nthreads, c.machine.cpus));
  if (c.rcu.qlowmark > c.rcu.qhimark)
    top.fail(where("rcu", "qlowmark"), "rcu.qlowmark", "must not exceed rcu.qhimark");
  // Tree RCU's parts the model leaves out, and the kthread's CPU.
  for (const auto& [key, on, what] :
       {std::tuple{"preempt", c.rcu.preempt, "preemptible RCU (CONFIG_PREEMPT_RCU)"},
        std::tuple{"nocb", c.rcu.nocb, "callback offloading (rcu_nocbs)"},
        std::tuple{"lazy", c.rcu.lazy, "lazy callbacks (CONFIG_RCU_LAZY)"},
        std::tuple{"expedited", c.rcu.expedited, "expedited grace periods"}})
    if (on)
      top.fail(where("rcu", key), std::string("rcu.") + key,
               std::string(what) + " is not modelled by rcusim; remove the key or set it false");
  if (c.rcu.gp_kthread_cpu >= c.machine.cpus)
    top.fail(where("rcu", "gp_kthread_cpu"), "rcu.gp_kthread_cpu",
             fmt::format("CPU {} does not exist (machine.cpus = {})", c.rcu.gp_kthread_cpu,
                         c.machine.cpus));
  const auto* wl = root.get("workload");
  for (std::size_t i = 0; i < c.workload.size(); ++i) {
    const auto& w = c.workload[i];
    const toml::node* n = wl && wl->is_array() ? wl->as_array()->get(i) : nullptr;
    try {
      parse_cpu_list(w.cpus, static_cast<int>(c.machine.cpus));
    } catch (const std::invalid_argument& e) {
      top.fail(n, fmt::format("workload[{}].cpus", i), e.what());
    }
    if (w.read + w.update + w.user + w.idle <= 0)
      top.fail(n, fmt::format("workload[{}]", i), "all activity weights are zero");
  }
  validate_workload_cpus(c, top, root);
  validate_progress(c, top, root);
  validate_name(c, top, root);
  validate_heap(c, top, root);
  validate_scripts(c, top, root);
  try {
    expected_outcome(c);
  } catch (const std::invalid_argument& e) {
    top.fail(root.get("expect"), "expect", e.what());
  }
}

}  // namespace rcusim::detail

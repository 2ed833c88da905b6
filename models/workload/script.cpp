#include "models/workload/script.hpp"

#include <fmt/format.h>
#include <cctype>
#include <optional>

#include "models/heap/kalloc.hpp"
#include "models/kernel/kernel.hpp"
#include "models/rcu/flavor.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {
namespace {

constexpr std::uint64_t kScriptStream = 0x53435200;

// Label events happen once; the others recur, so a script waits for the next occurrence.
bool once_only(const std::string& ev) {
  return ev.rfind("invoked:", 0) == 0 || ev.rfind("queued:", 0) == 0 ||
         (ev.rfind("donelist:", 0) == 0 && !std::isdigit(static_cast<unsigned char>(ev[9])));
}

TaskCtx busy_ctx(const std::string& mode) {
  if (mode == "bh_off") return TaskCtx::busy;
  if (mode == "kernel") return TaskCtx::kernel;
  return TaskCtx::hog;
}

std::string us(const Kernel& k, Cycles c) {
  return fmt::format("{:.1f} us", static_cast<double>(k.freq.to_ns(c)) / 1e3);
}

// A step of the timeline: what user space would write to trace_marker.
void note(Cpu& cpu, std::string text) {
  cpu.kernel().tp.emit({cpu.now().v, cpu.id(), Ev::note, 0, 0, 0, -1, -1, text});
}

}  // namespace

ScriptTask::ScriptTask(const ScriptConfig& sc, std::unique_ptr<Task> background, ScriptBoard& board,
                       ObjectWorld& world, std::uint64_t seed, std::size_t index)
    : sc_(sc),
      bg_(std::move(background)),
      board_(board),
      world_(world),
      rng_(seed, kScriptStream + index) {}

const std::string& ScriptTask::event_of(const ActionConfig& a) const {
  return a.action == "wait" ? a.until : a.after;
}

std::int64_t ScriptTask::start_time(const Kernel& k, Cycles now) {
  const ActionConfig& a = sc_.actions[next_];
  const std::string& ev = event_of(a);
  if (!armed_) {  // the action just became current
    baseline_ = ev.empty() || once_only(ev) ? 0 : board_.count(ev);
    became_current_ = now.v;
    armed_ = true;
  }
  std::int64_t t = a.at.ns >= 0 ? k.freq.from_ns(a.at.ns).v : -1;
  if (!ev.empty()) {
    if (board_.count(ev) <= baseline_) return -1;
    t = std::max(t, board_.last(ev));
  }
  if (t < 0) t = became_current_;  // neither `at` nor an event: right after the previous action
  return t + k.freq.from_ns(a.delay.ns).v;
}

bool ScriptTask::step(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  if (next_ >= sc_.actions.size()) return bg_ ? bg_->step(cpu) : false;
  const ActionConfig& a = sc_.actions[next_];
  const std::int64_t t = start_time(k, cpu.now());
  if (t < 0 || t > cpu.now().v) {
    if (bg_ && bg_->step(cpu)) return true;  // the generated workload runs while the script waits
    const Cycles deadline = t < 0 ? k.drain_end : Cycles{t};
    cpu.schedule();
    cpu.run_until(deadline, TaskCtx::idle, [&] { return start_time(k, cpu.now()) >= 0; });
    cpu.schedule();
    return true;
  }
  armed_ = false;
  ++next_;
  run(cpu, a);
  return true;
}

void ScriptTask::queue(Cpu& cpu, const ActionConfig& a) {
  Kernel& k = cpu.kernel();
  const bool via_kfree_rcu = a.action == "kfree_rcu";
  const std::uint32_t fn = via_kfree_rcu ? 0 : k.syms.id_of(a.callback);
  const Function* f = via_kfree_rcu ? nullptr : &k.syms.fn(fn);
  // kfree_rcu() of a named cache's objects (any kmem_cache since SLOB's removal, v6.4).
  std::optional<std::uint32_t> cache;
  if (f && f->kind == FnKind::trivial_cache_free) cache = f->cache;
  if (via_kfree_rcu && !a.cache.empty() && !(cache = k.heap.find_cache(a.cache))) {
    cpu.fail("bug", fmt::format("kmem_cache_alloc(): no kmem_cache named {} (created and not "
                                "destroyed) at this point",
                                a.cache));
    return;
  }
  auto size =
      via_kfree_rcu ? static_cast<std::uint32_t>(a.size.bytes) : f->head_offset + kRcuHeadSize;
  if (via_kfree_rcu && cache) size = k.heap.cache(*cache).size;
  const std::uint32_t head_off = via_kfree_rcu ? rcu_head_at_end(size) : f->head_offset;
  for (std::int64_t i = 0; i < a.count && !k.stopped(); ++i) {
    const Addr obj = cache ? kmem_cache_alloc(cpu, *cache) : kmalloc(cpu, size);
    if (!obj) {
      cpu.heap_exhausted("a scripted allocation");
      return;
    }
    const std::uint64_t gen = world_.next_generation++;
    k.heap.write_u64(obj, gen);
    k.heap.write_u64(obj + kGenerationOffset, gen);
    cpu.write(obj, 16, MemClass::payload);
    const Addr head = obj + head_off;
    const bool last = i + 1 == a.count;
    if (last && !a.label.empty())
      board_.label(head, a.label);  // "queued:<label>" fires at the tracepoint
    if (via_kfree_rcu)
      k.reclaim->kfree_rcu(cpu, obj, head);
    else
      k.reclaim->call_rcu(cpu, head, fn, path_of(f->kind));
    cpu.take_interrupts();
  }
  if (a.count > 1 || a.label.empty())
    note(cpu,
         fmt::format("{} x {}{}{}", a.count, a.action, via_kfree_rcu ? "" : "(" + a.callback + ")",
                     via_kfree_rcu && cache ? " of " + a.cache + " objects" : ""));
}

void ScriptTask::unload(Cpu& cpu, const ActionConfig& a) {
  Kernel& k = cpu.kernel();
  const int m = *k.syms.find_module(a.module);
  ModuleStats& ms = k.stats.modules[static_cast<std::size_t>(m)];
  ms.unload_start = cpu.now().v;
  note(cpu, fmt::format("rmmod {}: module exit{}", a.module,
                        a.barrier ? " calls rcu_barrier()" : ", no rcu_barrier()"));
  if (a.barrier) k.rcu->rcu_barrier(cpu);
  if (k.stopped()) return;
  cpu.sync();
  k.syms.unload(m);
  ms.unloaded = cpu.now().v;
  k.tp.emit(
      {cpu.now().v, cpu.id(), Ev::module_unload, 0, k.syms.module(m).base, 0, -1, -1, a.module});
}

// A module's slab cache and what it needs at exit.
void ScriptTask::caches(Cpu& cpu, const ActionConfig& a) {
  Kernel& k = cpu.kernel();
  if (a.action == "kmem_cache_create") {
    k.heap.kmem_cache_create(a.cache, static_cast<std::uint32_t>(a.size.bytes));
    note(cpu, fmt::format("kmem_cache_create {} ({} bytes)", a.cache, a.size.bytes));
  } else if (a.action == "kvfree_rcu_barrier") {
    const Cycles t0 = cpu.now();
    note(cpu, "kvfree_rcu_barrier() begins");
    k.reclaim->kvfree_rcu_barrier(cpu);
    note(cpu, fmt::format("kvfree_rcu_barrier() returns after {}", us(k, cpu.now() - t0)));
  } else if (const auto id = k.heap.find_cache(a.cache)) {
    k.reclaim->kmem_cache_destroy(cpu, *id);
  } else {
    cpu.fail("bug",
             fmt::format("kmem_cache_destroy(): no kmem_cache named {} at this point", a.cache));
  }
}

void ScriptTask::run(Cpu& cpu, const ActionConfig& a) {
  Kernel& k = cpu.kernel();
  cpu.sync();
  if (a.action == "call_rcu" || a.action == "kfree_rcu") return queue(cpu, a);
  if (a.action == "unload") return unload(cpu, a);
  if (a.action == "rcu_barrier") return k.rcu->rcu_barrier(cpu);
  if (a.action == "kmem_cache_create" || a.action == "kmem_cache_destroy" ||
      a.action == "kvfree_rcu_barrier")
    return caches(cpu, a);
  if (a.action == "wait") {
    note(cpu, "waited for " + a.until);
    return;
  }
  if (a.action == "load") {
    const int m = *k.syms.find_module(a.module);
    k.syms.load(m);
    k.tp.emit(
        {cpu.now().v, cpu.id(), Ev::module_load, 0, k.syms.module(m).base, 0, -1, -1, a.module});
    return;
  }
  Cycles len = k.freq.from_ns(a.length.ns);
  if (a.action == "busy") {
    const double j = k.perturb.busy_jitter;
    if (j > 0)
      len = Cycles{
          static_cast<std::int64_t>(static_cast<double>(len.v) * (1 - j + 2 * j * rng_.unit()))};
    board_.busy_lengths_ns.push_back(k.freq.to_ns(len));
    const auto tr = [&](const char* what) {
      k.tp.emit({cpu.now().v, cpu.id(), Ev::busy, 0, 0, 0, -1, -1, what});
    };
    tr("start");
    note(cpu, fmt::format("busy ({}) for {}", a.mode, us(k, len)));
    cpu.run_for(len, busy_ctx(a.mode));
    tr("end");
    note(cpu, "busy ends");
  } else if (a.action == "idle") {
    cpu.schedule();
    cpu.run_for(len, TaskCtx::idle);
    cpu.schedule();
  } else if (a.action == "read") {
    if (k.tp.enabled(Ev::read_lock)) k.tp.emit({cpu.now().v, cpu.id(), Ev::read_lock});
    cpu.run_for(len, TaskCtx::reader);
    if (k.tp.enabled(Ev::read_unlock)) k.tp.emit({cpu.now().v, cpu.id(), Ev::read_unlock});
  } else if (a.action == "user") {
    cpu.run_for(len, TaskCtx::user);
  }
}

}  // namespace rcusim

#include "models/workload/trace_task.hpp"

#include <algorithm>
#include <optional>

#include "models/heap/kalloc.hpp"
#include "models/kernel/kernel.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {
namespace {

constexpr std::uint32_t kStructSize = 64;  // CallbackConfig's struct_size default
constexpr std::uint32_t kTextSize = 96;    // CallbackConfig's size default

struct Symbol {
  std::string name, module;  // module empty: kernel text
};

// "%ps" prints "name" for kernel text and "name [module]" for module text.
Symbol split(const std::string& s) {
  const auto open = s.rfind(" [");
  if (s.size() > 3 && s.back() == ']' && open != std::string::npos)
    return {s.substr(0, open), s.substr(open + 2, s.size() - open - 3)};
  return {s, ""};
}

bool is_callback(FnKind k) {
  return k == FnKind::trivial_kfree || k == FnKind::trivial_cache_free || k == FnKind::nontrivial;
}

// A callback the scenario's [[module]] tables define under this name (and module, if traced).
std::optional<std::uint32_t> scenario_callback(const Symbols& syms, const Symbol& s) {
  for (std::uint32_t i = 0; i < syms.size(); ++i) {
    const Function& f = syms.fn(i);
    if (f.name != s.name || !is_callback(f.kind) || f.module < 0) continue;
    if (s.module.empty() || syms.module(f.module).name == s.module) return i;
  }
  return std::nullopt;
}

Function trivial(const std::string& name) {
  Function f;
  f.name = name;
  f.size = kTextSize;
  f.kind = FnKind::trivial_kfree;
  f.head_offset = rcu_head_at_end(kStructSize);
  return f;
}

}  // namespace

TracedFunctions add_traced_functions(Kernel& k, const std::vector<std::string>& symbols) {
  TracedFunctions out;
  std::vector<std::string> modules;  // in first-use order
  for (const std::string& s : symbols) {
    if (out.count(s)) continue;
    const Symbol sym = split(s);
    if (const auto id = scenario_callback(k.syms, sym)) {
      out[s] = *id;
    } else if (sym.module.empty()) {
      out[s] = k.syms.add_kernel(trivial(sym.name));
    } else if (std::find(modules.begin(), modules.end(), sym.module) == modules.end()) {
      modules.push_back(sym.module);
    }
  }
  // A module's functions lie together in its text: one module at a time.
  for (const std::string& m : modules) {
    const int id = k.syms.add_module(m, 256);
    for (const std::string& s : symbols) {
      const Symbol sym = split(s);
      if (sym.module == m && !out.count(s)) out[s] = k.syms.add_to_module(id, trivial(sym.name));
    }
    k.syms.load(id);
  }
  return out;
}

TraceTask::TraceTask(std::vector<TracedCallback> calls, const TracedFunctions& fns)
    : calls_(std::move(calls)), fns_(fns) {}

// One traced call per step: far from its time the CPU idles (waking early enough for the
// context switch and the allocation); the object is allocated, then the call waits for the
// traced time, so that its tracepoint fires then, as the traced one did.
bool TraceTask::step(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  if (next_ >= calls_.size()) return false;
  const Cycles at = k.freq.from_ns(calls_[next_].time_ns);
  if (at >= k.work_end) return false;  // a shorter `duration` cuts the trace; lateness does not
  const auto never = [] { return false; };
  const Cycles wake = at - Cycles{2 * k.costs.context_switch};
  if (cpu.now() < wake) {
    cpu.schedule();  // to the idle task
    cpu.run_until(wake, TaskCtx::idle, never);
    cpu.schedule();
  }
  const TracedCallback& c = calls_[next_++];
  const Function* f = c.func.empty() ? nullptr : &k.syms.fn(fns_.at(c.func));
  const Addr obj = allocate(cpu, f, c);
  if (!obj) {
    cpu.heap_exhausted("a replayed allocation");
    return false;
  }
  if (cpu.now() < at) cpu.run_until(at, TaskCtx::kernel, never);
  if (!f)
    k.reclaim->kfree_rcu(cpu, obj, obj + static_cast<Addr>(c.offset));  // kfree_rcu(ptr, rhf)
  else
    k.reclaim->call_rcu(cpu, obj + f->head_offset, fns_.at(c.func), path_of(f->kind));
  cpu.take_interrupts();
  return true;
}

// The object the call retires: the callback's struct, or one holding its rcu_head at the
// traced offset; written once, as its initialisation.
Addr TraceTask::allocate(Cpu& cpu, const Function* f, const TracedCallback& c) {
  const std::uint64_t off = f ? f->head_offset : static_cast<std::uint64_t>(c.offset);
  const Addr obj = f && f->kind == FnKind::trivial_cache_free
                       ? kmem_cache_alloc(cpu, f->cache)
                       : kmalloc(cpu, (off + kRcuHeadSize + 7) & ~std::uint64_t{7});
  if (obj) cpu.write(obj, 16, MemClass::payload);
  return obj;
}

}  // namespace rcusim

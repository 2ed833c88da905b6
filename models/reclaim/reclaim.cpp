#include "models/reclaim/reclaim.hpp"

#include <fmt/format.h>

#include "models/heap/kalloc.hpp"
#include "models/rcu/barrier.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/kernel/kernel.hpp"

namespace rcusim {
namespace {

constexpr Addr kFuncOff = kRcuHeadFunc;

// Marks the object holding `head` as waiting for a grace period (for latency and the
// memory-waiting figures).
void note_queued(Cpu& cpu, Addr head, Path path) {
  Kernel& k = cpu.kernel();
  ++k.stats.path[static_cast<std::size_t>(path)].queued;
  const auto o = k.heap.find(head);
  if (!o || !o->live) return;
  ObjShadow& sh = k.heap.shadow(*o);
  sh.queued_at = cpu.now().v;
  k.stats.queued(o->size);
}

void note_reclaimed(Cpu& cpu, Addr head, Path path) {
  Kernel& k = cpu.kernel();
  const auto o = k.heap.find(head);
  if (!o || !o->live) return;
  ObjShadow& sh = k.heap.shadow(*o);
  if (sh.queued_at < 0) return;
  const std::int64_t now = cpu.now().v;
  PathStats& ps = k.stats.path[static_cast<std::size_t>(path)];
  ++ps.reclaimed;
  ps.latency.add(now - sh.queued_at);
  k.stats.reclaimed(o->size);
  if (k.cfg.output.latencies)
    k.stats.latencies.push_back({sh.queued_at, now, cpu.id(), path, o->size});
  sh.queued_at = ObjShadow::kNotQueued;
}

void oops(Cpu& cpu, Addr func, Addr head) {
  Kernel& k = cpu.kernel();
  const auto any = k.syms.resolve_any(func);
  std::string where = k.syms.symbolize(func);
  if (any && k.syms.fn(*any).module >= 0) where += " (module unloaded)";
  k.note(cpu.id(), cpu.now(), "Oops: unable to handle kernel paging request at " +
                                  fmt::format("{:016x} ({})", func, where));
  cpu.fail("oops", fmt::format("BUG: unable to handle kernel paging request at {:016x}; "
                               "IP: [<{:016x}>] {}; Oops: 0010 [#1] SMP; CPU {}; "
                               "rcu_head {:016x}; Call Trace: rcu_do_batch, "
                               "rcu_process_callbacks, __do_softirq",
                               func, func, where, cpu.id(), head));
}

}  // namespace

Path path_of(FnKind kind) {
  switch (kind) {
    case FnKind::trivial_kfree: return Path::trivial_kfree;
    case FnKind::trivial_cache_free: return Path::trivial_cache_free;
    case FnKind::nontrivial: return Path::nontrivial;
    case FnKind::barrier_callback: return Path::barrier;
    case FnKind::core: break;
  }
  return Path::failed;
}

void call_rcu(Cpu& cpu, Addr head, std::uint32_t fn, Path path) {
  Kernel& k = cpu.kernel();
  note_queued(cpu, head, path);
  k.rcu->call_rcu(cpu, head, k.syms.fn(fn).addr);
}

bool kfree_rcu(Cpu& cpu, Addr ptr, Addr head) {
  Kernel& k = cpu.kernel();
  cpu.fetch(k.text.kfree_rcu);
  const Encoded e = encode_kfree_offset(k.encoding, head - ptr);
  if (!e.word) {
    cpu.fail("bug", e.bug);
    return false;
  }
  note_queued(cpu, head, Path::kfree_rcu);
  k.rcu->call_rcu(cpu, head, *e.word);
  return true;
}

// A scripted callback was invoked: its named event and a timeline line.
void note_invoked(Cpu& cpu, Addr head, const std::string& how) {
  Kernel& k = cpu.kernel();
  auto it = k.labels.find(head);
  if (it == k.labels.end()) return;
  const std::string label = it->second;
  k.labels.erase(it);
  k.note(cpu.id(), cpu.now(), fmt::format("invoked {}: {}", label, how));
  k.fire("invoked:" + label, cpu.now());
}

Path rcu_reclaim(Cpu& cpu, Addr head) {
  Kernel& k = cpu.kernel();
  cpu.read(head + kFuncOff, 8, MemClass::rcu_head);
  const std::uint64_t word = k.heap.read_u64(head + kFuncOff);
  cpu.charge(k.cfg.costs.reclaim_decode);
  if (const auto off = decode_kfree_offset(k.encoding, word)) {
    k.trace.add({cpu.now().v, cpu.id(), Ev::rcu_invoke_kfree_callback, 0, head, *off});
    note_reclaimed(cpu, head, Path::kfree_rcu);
    if (!k.labels.empty()) note_invoked(cpu, head, fmt::format("kfree(head - {})", *off));
    kfree(cpu, head - *off);
    return Path::kfree_rcu;
  }
  k.trace.add({cpu.now().v, cpu.id(), Ev::rcu_invoke_callback, 0, head, word});
  cpu.charge(k.mem->indirect_call(cpu.id(), k.syms.fn(k.text.rcu_do_batch).addr, word));
  const auto id = k.syms.resolve_entry(word);  // resolve(word), and word is its entry
  if (!id || path_of(k.syms.fn(*id).kind) == Path::failed) {
    if (!k.labels.empty()) note_invoked(cpu, head, "call " + k.syms.symbolize(word) + ": OOPS");
    oops(cpu, word, head);
    return Path::failed;
  }
  const Function& f = k.syms.fn(*id);
  cpu.fetch(*id, MemClass::callback_text);
  const Path p = path_of(f.kind);
  note_reclaimed(cpu, head, p);
  if (!k.labels.empty()) note_invoked(cpu, head, "call " + k.syms.symbolize(word));
  const Addr obj = head - f.head_offset;  // container_of()
  cpu.charge(k.cfg.costs.callback);
  switch (f.kind) {
    case FnKind::trivial_kfree: kfree(cpu, obj); break;
    case FnKind::trivial_cache_free: kmem_cache_free(cpu, f.cache, obj); break;
    case FnKind::nontrivial: {
      cpu.charge(f.work);
      if (const auto o = k.heap.find(obj)) cpu.read(obj, std::min<std::uint32_t>(o->size, 64), MemClass::payload);
      kfree(cpu, obj);
      break;
    }
    case FnKind::barrier_callback: rcu_barrier_callback(cpu); break;
    default: break;
  }
  return p;
}

}  // namespace rcusim

#include "models/reclaim/reclaim.hpp"

#include <fmt/format.h>

#include "models/heap/kalloc.hpp"
#include "models/kernel/kernel.hpp"
#include "models/rcu/flavor.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/reclaim/config.hpp"
#include "models/reclaim/kvfree/kvfree.hpp"

namespace rcusim {

Path path_of(FnKind kind) {
  switch (kind) {
    case FnKind::trivial_kfree: return Path::trivial_kfree;
    case FnKind::trivial_cache_free: return Path::trivial_cache_free;
    case FnKind::nontrivial: return Path::nontrivial;
    case FnKind::barrier_callback: return Path::barrier;
    case FnKind::rcu_work: return Path::kfree_rcu;
    case FnKind::double_free:
    case FnKind::invalid_free:
    case FnKind::wrong_cache_free:
    case FnKind::write_after_free: return Path::nontrivial;
    case FnKind::core: break;
  }
  return Path::failed;
}

Reclaim::Reclaim(Kernel& k, const ReclaimConfig& cfg, std::uint64_t seed)
    : k_(k), encoding_(cfg.generation().encoding) {
  if (const auto batching = cfg.generation().batching)
    kvfree_ = std::make_unique<KvfreeRcu>(k, *this, *batching(), cfg.fail_page_alloc, seed);
}

Reclaim::~Reclaim() = default;

bool Reclaim::idle() const { return !kvfree_ || kvfree_->idle(); }

bool Reclaim::has_kvfree_rcu_barrier() const { return kvfree_ && kvfree_->policy().barrier; }

void Reclaim::kvfree_rcu_barrier(Cpu& cpu) { kvfree_->kvfree_rcu_barrier(cpu); }

// Marks the object holding `head` as waiting for a grace period (for latency and the
// memory-waiting figures).
void Reclaim::note_queued(Cpu& cpu, Addr head, Path path) {
  ++k_.stats.path[static_cast<std::size_t>(path)].queued;
  const auto o = k_.heap.find(head);
  if (!o || !o->live) return;
  ObjShadow& sh = k_.heap.shadow(*o);
  sh.queued_at = cpu.now().v;
  k_.stats.queued(o->size);
}

void Reclaim::note_reclaimed(Cpu& cpu, Addr head, Path path) {
  const auto o = k_.heap.find(head);
  if (!o || !o->live) return;
  ObjShadow& sh = k_.heap.shadow(*o);
  if (sh.queued_at < 0) return;
  const std::int64_t now = cpu.now().v;
  PathStats& ps = k_.stats.path[static_cast<std::size_t>(path)];
  ++ps.reclaimed;
  ps.latency.add(now - sh.queued_at);
  k_.stats.reclaimed(o->size);
  if (k_.stats.keep_latencies)
    k_.stats.latencies.push_back({sh.queued_at, now, cpu.id(), path, o->size});
  sh.queued_at = ObjShadow::kNotQueued;
}

void Reclaim::oops(Cpu& cpu, Addr func, Addr head) {
  const auto any = k_.syms.resolve_any(func);
  std::string where = k_.syms.symbolize(func);
  if (any && k_.syms.fn(*any).module >= 0) where += " (module unloaded)";
  const std::string line =
      fmt::format("Oops: unable to handle kernel paging request at {:016x} ({})", func, where);
  k_.tp.emit({cpu.now().v, cpu.id(), Ev::note, 0, head, func, -1, -1, line});
  cpu.fail("oops", fmt::format("BUG: unable to handle kernel paging request at {:016x}; "
                               "IP: [<{:016x}>] {}; Oops: 0010 [#1] SMP; CPU {}; "
                               "rcu_head {:016x}; Call Trace: rcu_do_batch, "
                               "rcu_process_callbacks, __do_softirq",
                               func, func, where, cpu.id(), head));
}

void Reclaim::call_rcu(Cpu& cpu, Addr head, std::uint32_t fn, Path path) {
  note_queued(cpu, head, path);
  k_.rcu->call_rcu(cpu, head, k_.syms.fn(fn).addr);
}

void Reclaim::prepare_head(Cpu& cpu, Addr head, std::uint32_t fn, Path path) {
  note_queued(cpu, head, path);
  k_.heap.write_u64(head + kRcuHeadFunc, k_.syms.fn(fn).addr);
  cpu.write(head, kRcuHeadSize, MemClass::rcu_head);
}

bool Reclaim::kfree_rcu(Cpu& cpu, Addr ptr, Addr head) {
  cpu.fetch(k_.text.kfree_rcu);
  const Encoded e = encode_kfree_offset(encoding_, head - ptr);
  if (!e.word) {
    cpu.fail("bug", e.bug);
    return false;
  }
  if (kvfree_) {
    kvfree_->kvfree_call_rcu(cpu, head, ptr);
    return true;
  }
  note_queued(cpu, head, Path::kfree_rcu);
  k_.rcu->call_rcu(cpu, head, *e.word);
  return true;
}

// __rcu_reclaim(): the word in head->func is either a kfree_rcu() offset or a function.
Path Reclaim::rcu_reclaim(Cpu& cpu, Addr head) {
  cpu.read(head + kRcuHeadFunc, 8, MemClass::rcu_head);
  const std::uint64_t word = k_.heap.read_u64(head + kRcuHeadFunc);
  cpu.charge(k_.costs.reclaim_decode);
  if (const auto off = decode_kfree_offset(encoding_, word)) {
    note_reclaimed(cpu, head, Path::kfree_rcu);
    k_.tp.emit({cpu.now().v, cpu.id(), Ev::rcu_invoke_kvfree_callback, 0, head, *off});
    kfree(cpu, head - *off);
    return Path::kfree_rcu;
  }
  return invoke_function(cpu, head, word);
}

// head->func(head): an indirect call to whatever text the word points at. The invocation is
// reported at its start time once the object is accounted as reclaimed, so that a sink acting on
// it (a script waiting for "invoked:x") sees the figures as they are after it.
Path Reclaim::invoke_function(Cpu& cpu, Addr head, std::uint64_t func) {
  const TraceEvent invoked{cpu.now().v, cpu.id(), Ev::rcu_invoke_callback, 0, head, func};
  cpu.charge(k_.mem->indirect_call(cpu.id(), k_.syms.fn(k_.text.rcu_do_batch).addr, func));
  const auto id = k_.syms.resolve_entry(func);  // resolve(func), and func is its entry
  if (!id || path_of(k_.syms.fn(*id).kind) == Path::failed) {
    k_.tp.emit(invoked);
    oops(cpu, func, head);
    return Path::failed;
  }
  const Function& f = k_.syms.fn(*id);
  cpu.fetch(*id, MemClass::callback_text);
  const Path p = path_of(f.kind);
  note_reclaimed(cpu, head, p);
  k_.tp.emit(invoked);
  const Addr obj = head - f.head_offset;  // container_of()
  cpu.charge(k_.costs.callback);
  switch (f.kind) {
    case FnKind::trivial_kfree: kfree(cpu, obj); break;
    case FnKind::trivial_cache_free: kmem_cache_free(cpu, f.cache, obj); break;
    case FnKind::nontrivial: {
      cpu.charge(f.work);
      if (const auto o = k_.heap.find(obj))
        cpu.read(obj, std::min<std::uint32_t>(o->size, 64), MemClass::payload);
      kfree(cpu, obj);
      break;
    }
    case FnKind::barrier_callback: k_.rcu->barrier_callback(cpu, head); break;
    case FnKind::rcu_work: kvfree_->rcu_work_rcufn(cpu, head); break;
    case FnKind::double_free:
      kfree(cpu, obj);
      kfree(cpu, obj);
      break;
    case FnKind::invalid_free: kfree(cpu, obj + 8); break;
    case FnKind::wrong_cache_free: kmem_cache_free(cpu, f.cache, obj); break;
    case FnKind::write_after_free:
      kfree(cpu, obj);
      k_.heap.write_u64(obj + 8, 0x6b6b6b6b00000000ULL);  // one word of the poison overwritten
      cpu.write(obj + 8, 8, MemClass::payload);
      break;
    default: break;
  }
  return p;
}

}  // namespace rcusim

#include "models/workload/mix.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "models/heap/kalloc.hpp"
#include "models/kernel/kernel.hpp"
#include "models/reclaim/reclaim.hpp"

namespace rcusim {
namespace {
constexpr std::uint64_t kWorkloadStream = 0x574c0000;

// One update's draws, in retire_one()'s order: the slot, then the path of a kfree_only type.
struct Draw {
  std::uint64_t slot;
  bool by_kfree_rcu;
};
inline Draw draw(Rng& rng, const ObjectWorld& w, double kfree_rcu_share) {
  const std::uint64_t s = rng.below(w.slots);
  return {s, w.type_of_slot(s).kind == TypeKind::kfree_only && rng.chance(kfree_rcu_share)};
}

// For the host only: the next two updates, replayed on a copy of the generator (within a batch
// nothing else draws from it; a failed kmalloc() stops the run). The old object of the next one
// (its table line was asked for one update ago) and the table line of the one after.
void prefetch_ahead(Rng ahead, const Heap& heap, const ObjectWorld& w, double share) {
  const Draw next = draw(ahead, w, share), after = draw(ahead, w, share);
  heap.prefetch(w.slot_addr(after.slot));
  const Addr old = heap.read_u64(w.slot_addr(next.slot));
  heap.prefetch(old + w.type_of_slot(next.slot).head_offset);
}
}  // namespace

WorkloadMemory make_workload_memory(Kernel& k, const WorkloadConfig& w, std::size_t index) {
  WorkloadMemory wm;
  Function f;
  f.name = "workload" + std::to_string(index) + "_reader";
  f.size = static_cast<std::uint32_t>(w.code_footprint.bytes);
  wm.code = k.syms.add_kernel(f);
  if (w.data_footprint.bytes) {
    wm.data = k.heap.kmalloc(w.data_footprint.bytes);
    if (!wm.data) throw std::runtime_error("heap.size is too small for workload data_footprint");
    wm.data_bytes = w.data_footprint.bytes;
  }
  return wm;
}

MixTask::MixTask(const WorkloadConfig& w, const WorkloadMemory& mem, ObjectWorld& world,
                 double kfree_rcu_share, std::uint64_t seed, int cpu)
    : w_(w),
      mem_(mem),
      world_(world),
      kfree_rcu_share_(kfree_rcu_share),
      rng_(seed, kWorkloadStream + static_cast<std::uint64_t>(cpu)),
      total_(w.read + w.update + w.user + w.idle) {}

bool MixTask::step(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  if (cpu.now() >= k.work_end) return false;
  double x = rng_.unit() * total_;
  if ((x -= w_.read) < 0) {
    reader(cpu);
  } else if ((x -= w_.update) < 0) {
    update(cpu);
  } else if ((x -= w_.user) < 0) {
    cpu.run_for(k.freq.from_ns(w_.user_duration.d.sample(rng_)), TaskCtx::user);
  } else {
    cpu.schedule();  // switch to the idle task
    cpu.run_for(k.freq.from_ns(w_.idle_duration.d.sample(rng_)), TaskCtx::idle);
    cpu.schedule();
  }
  return true;
}

// rcu_read_lock(); p = rcu_dereference(table[s]); ... use p ...; rcu_read_unlock();
// The generation word read at the start must still be there at the end: if the object was freed
// (poisoned) or reallocated meanwhile, a grace period ended under this reader.
void MixTask::reader(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  const ObjectWorld& world = world_;
  ++cpu.stats().readers;
  cpu.sync();  // the section starts at a point SimGrid has ordered against other CPUs
  const Cycles start = cpu.now();
  if (k.tp.enabled(Ev::read_lock)) k.tp.emit({start.v, cpu.id(), Ev::read_lock});
  const WorkloadMemory& wm = mem_;
  cpu.fetch(wm.code, MemClass::reader_code);
  // The other data the reader works on: random lines of its footprint (D-cache pressure).
  for (std::int64_t i = 0; wm.data_bytes && i < w_.data_touch; ++i)
    cpu.read(wm.data + (rng_.below(wm.data_bytes) & ~63ULL), 8, MemClass::reader_data);
  held_.clear();
  for (std::int64_t i = 0; i < w_.read_objects; ++i) {
    const std::uint64_t s = rng_.below(world.slots);
    cpu.read(world.slot_addr(s), 8, MemClass::reader_data);
    const Addr obj = k.heap.read_u64(world.slot_addr(s));
    cpu.read(obj, 16, MemClass::reader_data);
    held_.push_back({obj, k.heap.read_u64(obj + kGenerationOffset)});
  }
  cpu.run_for(k.freq.from_ns(w_.read_duration.d.sample(rng_)), TaskCtx::reader);
  cpu.sync();
  for (std::size_t i = 0; i < held_.size(); ++i) {
    const Held& h = held_[i];
    cpu.read(h.obj + kGenerationOffset, 8, MemClass::reader_data);
    const std::uint64_t now_gen = k.heap.read_u64(h.obj + kGenerationOffset);
    if (now_gen == h.gen) continue;
    bool reported = false;  // one report per object per section
    for (std::size_t j = 0; j < i; ++j) reported |= held_[j].obj == h.obj;
    if (reported) continue;
    const auto o = k.heap.find(h.obj);
    const bool poisoned = o && !o->live;
    cpu.fail(
        "use_after_free",
        fmt::format("use-after-free: reader on CPU {} (rcu_read_lock at {} ns) holds object "
                    "0x{:x} ({}), which was {} under it: generation word {:016x}",
                    cpu.id(), k.freq.to_ns(start), h.obj,
                    o && o->cache != Heap::kLarge ? k.heap.cache(o->cache).name : "kmalloc_large",
                    poisoned ? "freed (POISON_FREE)" : "freed and reallocated", now_gen));
  }
  if (k.tp.enabled(Ev::read_unlock)) k.tp.emit({cpu.now().v, cpu.id(), Ev::read_unlock});
}

void MixTask::update(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  ++cpu.stats().updates;
  // No sync: a replacement published "early" in SimGrid time is only seen early by readers,
  // which then hold the new, live object; the old one is queued on this CPU's own list.
  cpu.fetch(k.text.rcu_updater, MemClass::reader_code);
  for (std::int64_t i = 0; i < w_.update_batch && !k.stopped(); ++i) {
    retire_one(cpu);
    cpu.take_interrupts();
  }
}

// new = kmalloc(); init; rcu_assign_pointer(table[s], new); call_rcu()/kfree_rcu() on the old.
void MixTask::retire_one(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  ObjectWorld& world = world_;
  // Both draws first (the path's used to follow kmalloc(), but when kmalloc() fails the run
  // stops and nothing draws again): the generator's next numbers are then the next update's.
  const Draw d = draw(rng_, world, kfree_rcu_share_);
  prefetch_ahead(rng_, k.heap, world, kfree_rcu_share_);
  const ObjectType& ty = world.type_of_slot(d.slot);
  const Addr slot = world.slot_addr(d.slot);
  cpu.read(slot, 8, MemClass::reader_data);
  const Addr old = k.heap.read_u64(slot);
  const Addr head = old + ty.head_offset;
  // The old object is cold by now, but the host has had one update's time to fetch its bytes and
  // PageInfo: its shadow word and slab, and the cache model's state for it, load during kmalloc().
  k.heap.prefetch(head);
  k.heap.prefetch_meta(head);
  cpu.expect(head);
  const Addr nw =
      ty.kind == TypeKind::cache_only ? kmem_cache_alloc(cpu, ty.cache) : kmalloc(cpu, ty.size);
  if (!nw) {
    cpu.heap_exhausted(fmt::format("no room for a {}-byte object", ty.size));
    return;
  }
  const std::uint64_t gen = world.next_generation++;
  k.heap.write_u64(nw, gen);
  k.heap.write_u64(nw + kGenerationOffset, gen);
  cpu.write(nw, 16, MemClass::payload);
  k.heap.write_u64(slot, nw);
  cpu.write(slot, 8, MemClass::reader_data);
  switch (ty.kind) {
    case TypeKind::kfree_only:
      if (d.by_kfree_rcu)
        k.reclaim->kfree_rcu(cpu, old, head);
      else
        k.reclaim->call_rcu(cpu, head, ty.callback, Path::trivial_kfree);
      break;
    case TypeKind::cache_only:
      k.reclaim->call_rcu(cpu, head, ty.callback, Path::trivial_cache_free);
      break;
    case TypeKind::nontrivial: k.reclaim->call_rcu(cpu, head, ty.callback, Path::nontrivial); break;
  }
}

bool IdleTask::step(Cpu&) { return false; }

}  // namespace rcusim

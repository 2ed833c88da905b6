#include "models/heap/kalloc.hpp"

#include <fmt/format.h>
#include <vector>

#include "models/heap/bulk_cost.hpp"
#include "models/kernel/kernel.hpp"

namespace rcusim {
namespace {

// SLUB fast path: the function's text, the slab's struct page, and the free pointer word that
// lives in the object itself.
void charge_slub(Cpu& cpu, std::uint32_t fn, Addr obj, std::int64_t cycles, AccessKind fp) {
  Kernel& k = cpu.kernel();
  const bool mapped = k.heap.mapped(obj, 8);
  const Addr page = k.heap.struct_page(obj);
  if (mapped) {  // two independent lines: the host fetches the model's state for both at once
    cpu.expect(page);
    cpu.expect(obj);
  }
  cpu.fetch(fn);
  cpu.charge(cycles);
  if (!mapped) return;
  cpu.access(page, 8, AccessKind::modify, MemClass::slab_meta);
  cpu.access(obj, 8, fp, MemClass::slab_meta);
}

// The heap's BUG reports (slub_debug's checks) become the run's failures, on the CPU that made
// the call, with its time: a double free or a write after free ends the run's outcome as `bug`.
void report_heap_bugs(Cpu& cpu) {
  Kernel& k = cpu.kernel();
  if (!k.heap.has_bugs()) return;
  for (const std::string& m : k.heap.take_bugs())
    cpu.fail("bug", fmt::format("{}; CPU: {} at {} ns", m, cpu.id(), k.freq.to_ns(cpu.now())));
}

}  // namespace

Addr kmalloc(Cpu& cpu, std::uint64_t size) {
  Kernel& k = cpu.kernel();
  const Addr a = k.heap.kmalloc(size);
  report_heap_bugs(cpu);
  charge_slub(cpu, k.text.kmalloc, a, k.costs.kmalloc, AccessKind::read);
  return a;
}

Addr kmem_cache_alloc(Cpu& cpu, std::uint32_t cache) {
  Kernel& k = cpu.kernel();
  const Addr a = k.heap.kmem_cache_alloc(cache);
  report_heap_bugs(cpu);
  charge_slub(cpu, k.text.kmem_cache_alloc, a, k.costs.kmalloc, AccessKind::read);
  return a;
}

void kfree(Cpu& cpu, Addr obj) {
  Kernel& k = cpu.kernel();
  charge_slub(cpu, k.text.kfree, obj, k.costs.kfree, AccessKind::write);
  k.heap.kfree(obj);
  report_heap_bugs(cpu);
}

void kmem_cache_free(Cpu& cpu, std::uint32_t cache, Addr obj) {
  Kernel& k = cpu.kernel();
  charge_slub(cpu, k.text.kmem_cache_free, obj, k.costs.kfree, AccessKind::write);
  k.heap.kmem_cache_free(cache, obj);
  report_heap_bugs(cpu);
}

void kmem_cache_destroy(Cpu& cpu, std::uint32_t cache) {
  cpu.kernel().heap.kmem_cache_destroy(cache);
  report_heap_bugs(cpu);
}

// ---- kfree_bulk(): the heap walks the array and reports what it touched; bulk_cost prices it.
void kfree_bulk(Cpu& cpu, std::size_t n, const Addr* objs, Addr array) {
  Kernel& k = cpu.kernel();
  static thread_local std::vector<BulkTouch> touches;  // no yield in here: one call at a time
  touches.clear();
  cpu.fetch(k.text.kmem_cache_free_bulk);
  const BulkFreeStats st = k.heap.kfree_bulk({objs, n}, touches);
  report_heap_bugs(cpu);
  cpu.charge(bulk_free_cycles(st, k.costs.kfree_bulk, k.costs.kfree));
  for (const BulkTouch& t : touches)
    if (const auto p = place(t, cpu.id(), array))
      cpu.access(p->addr, p->size, p->kind, MemClass::slab_meta);
}

}  // namespace rcusim

#include "sim/kernel.hpp"

#include <stdexcept>

#include "models/memory/flat.hpp"
#include "models/workload/world.hpp"

namespace rcusim {
namespace {

std::unique_ptr<MemoryCost> make_memory(const Config& c) {
  FlatConfig f;
  f.ifetch = Cycles{c.memory.ifetch};
  f.read = Cycles{c.memory.read};
  f.write = Cycles{c.memory.write};
  f.indirect_call = Cycles{c.memory.indirect_call};
  return std::make_unique<FlatMemory>(static_cast<int>(c.machine.cpus), f);
}

CoreText boot_text(Symbols& s) {
  auto add = [&](const char* name, std::uint32_t size) {
    Function f;
    f.name = name;
    f.size = size;
    return s.add_kernel(f);
  };
  CoreText t;
  t.timer_interrupt = add("smp_apic_timer_interrupt", 512);
  t.do_softirq = add("__do_softirq", 320);
  t.rcu_process_callbacks = add("rcu_process_callbacks", 416);
  t.rcu_do_batch = add("rcu_do_batch", 160);
  t.call_rcu = add("call_rcu", 128);
  t.kfree_rcu = add("kfree_rcu", 64);
  t.kmalloc = add("__kmalloc", 288);
  t.kfree = add("kfree", 256);
  t.kmem_cache_alloc = add("kmem_cache_alloc", 224);
  t.kmem_cache_free = add("kmem_cache_free", 192);
  t.schedule = add("schedule", 1536);
  t.rcu_reader = add("workload_reader", 256);
  t.rcu_updater = add("workload_updater", 320);
  return t;
}

constexpr std::uint64_t kWorldStream = 0x574f524c44ULL;

}  // namespace

Kernel::Kernel(const Config& c)
    : cfg(c),
      freq(c.machine.freq),
      work_end(freq.from_ns(c.duration.ns)),
      drain_end(freq.from_ns(c.duration.ns + c.drain.ns)),
      encoding(encoding_from(c.reclaim.encoding)),
      heap(Bytes{c.heap.size.bytes}, c.heap.poison),
      mem(make_memory(c)),
      trace(static_cast<int>(c.machine.cpus), c.output.events),
      stats(static_cast<int>(c.machine.cpus)) {
  text = boot_text(syms);
  Rng rng(static_cast<std::uint64_t>(c.seed), kWorldStream);
  build_world(*this, rng);
  rcu = make_flavor(c.rcu.flavor, *this);
  for (int i = 0; i < c.machine.cpus; ++i) cpus.push_back(std::make_unique<Cpu>(*this, i));
}

Kernel::~Kernel() = default;

void Kernel::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& c : cpus) c->kick();
}

void Kernel::note_idle_after_work() {
  for (auto& c : cpus)
    if (c->now() < work_end || rcu->qlen(c->id()) > 0) return;
  stop();
}

std::string Kernel::outcome() const {
  bool bug = false;
  for (const auto& f : stats.failures) {
    if (f.kind == "oops") return "oops";
    bug = true;
  }
  return bug ? "bug" : "ok";
}

}  // namespace rcusim

#include "models/kernel/kernel.hpp"

#include <simgrid/s4u/Engine.hpp>
#include <stdexcept>

#include "models/cache/hierarchy.hpp"
#include "models/heap/bulk_cost.hpp"
#include "models/memory/flat.hpp"
#include "models/workload/world.hpp"

namespace rcusim {
namespace {

std::unique_ptr<MemoryCost> make_memory(const Config& c) {
  if (c.memory.model == "cache")
    return std::make_unique<CacheHierarchy>(static_cast<int>(c.machine.cpus), c.cache.to_cache());
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
  t.rcu_barrier = add("_rcu_barrier", 256);
  t.on_each_cpu = add("on_each_cpu", 192);
  Function cb;
  cb.name = "rcu_barrier_callback";
  cb.size = 48;
  cb.kind = FnKind::barrier_callback;
  t.rcu_barrier_callback = s.add_kernel(cb);
  return t;
}

// Kernel text placed after every boot and workload function, so that theirs keep their addresses.
std::uint32_t late_text(Symbols& s) {
  Function f;
  f.name = "kmem_cache_free_bulk";
  f.size = kKmemCacheFreeBulkText;
  return s.add_kernel(f);
}

// The scenario's [[module]] tables: each module's callbacks, placed in its text, then loaded.
void load_modules(Kernel& k) {
  for (const ModuleConfig& m : k.cfg.module) {
    const int id = k.syms.add_module(m.name, 256);
    for (const CallbackConfig& c : m.callbacks) {
      Function f;
      f.name = c.name;
      f.size = static_cast<std::uint32_t>(c.size.bytes);
      const auto ssize = static_cast<std::uint32_t>(c.struct_size.bytes);
      f.head_offset = rcu_head_at_end(ssize);
      f.kind = c.kind == "trivial_kfree"        ? FnKind::trivial_kfree
               : c.kind == "trivial_cache_free" ? FnKind::trivial_cache_free
                                                : FnKind::nontrivial;
      if (f.kind == FnKind::trivial_cache_free)
        f.cache = k.heap.kmem_cache_create(c.name + "_cache", ssize);
      f.work = Cycles{c.work};
      k.syms.add_to_module(id, f);
    }
    k.syms.load(id);
  }
}

constexpr std::uint64_t kPerturbStream = 0x5045525455ULL;

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
  cache = dynamic_cast<CacheHierarchy*>(mem.get());
  load_modules(*this);
  for (std::size_t i = 0; i < c.workload.size(); ++i) {
    const WorkloadConfig& w = c.workload[i];
    WorkloadMemory wm;
    Function f;
    f.name = "workload" + std::to_string(i) + "_reader";
    f.size = static_cast<std::uint32_t>(w.code_footprint.bytes);
    wm.code = syms.add_kernel(f);
    if (w.data_footprint.bytes) {
      wm.data = heap.kmalloc(w.data_footprint.bytes);
      if (!wm.data) throw std::runtime_error("heap.size is too small for workload data_footprint");
      wm.data_bytes = w.data_footprint.bytes;
    }
    workload_mem.push_back(wm);
  }
  text.kmem_cache_free_bulk = late_text(syms);
  module_stats.resize(static_cast<std::size_t>(syms.module_count()));
  for (int i = 0; i < c.machine.cpus; ++i) {  // DEFINE_PER_CPU(struct rcu_head, rcu_barrier_head)
    const Addr h = heap.kmalloc(kRcuHeadSize);
    if (!h) throw std::runtime_error("heap.size is too small for per-CPU data");
    barrier.heads.push_back(h);
  }
  timeline_on_ = c.output.timeline && !c.script.empty();
  // Scripts run on their CPUs, or on a seeded permutation of them (perturb.shuffle_cpus).
  for (const auto& sc : c.script) script_cpu.push_back(static_cast<int>(sc.cpu));
  if (c.perturb.shuffle_cpus) {
    Rng prng(static_cast<std::uint64_t>(c.seed), kPerturbStream);
    std::vector<int> perm(static_cast<std::size_t>(c.machine.cpus));
    for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int>(i);
    for (std::size_t i = perm.size(); i > 1; --i) std::swap(perm[i - 1], perm[prng.below(i)]);
    for (auto& sc : script_cpu) sc = perm[static_cast<std::size_t>(sc)];
  }
  rcu = make_flavor(c.rcu.flavor, *this);
  for (int i = 0; i < c.machine.cpus; ++i) cpus.push_back(std::make_unique<Cpu>(*this, i));
  running_tasks = static_cast<int>(c.machine.cpus);
}

void Kernel::fire(const std::string& name, Cycles t) {
  events.fire(name, t.v);
  for (auto& c : cpus)
    if (c->waiting_for_event()) c->kick();
}

void Kernel::note(int cpu, Cycles t, std::string line) {
  if (timeline_on_) timeline.push_back({t.v, cpu, note_seq_++, std::move(line)});
}

Kernel::~Kernel() = default;

void Kernel::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& c : cpus) c->kick();
}

// Called by a CPU whose own time is past work_end. Every other CPU is blocked in SimGrid with
// no pending work, so its time is SimGrid's clock: all are past work_end when the clock is.
void Kernel::note_idle_after_work() {
  if (running_tasks == 0 && rcu->qlen_total() == 0 &&
      static_cast<std::int64_t>(simgrid::s4u::Engine::get_clock()) >= work_end.v)
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

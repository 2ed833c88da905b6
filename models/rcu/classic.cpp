#include "models/rcu/classic.hpp"

#include <array>
#include <climits>
#include <cstring>
#include <fmt/format.h>

#include "models/reclaim/reclaim.hpp"
#include "models/rcu/rcu_head.hpp"
#include "models/kernel/kernel.hpp"

namespace rcusim {

std::string_view to_string(GpState s) { return s == GpState::idle ? "idle" : "wait_qs"; }

std::unique_ptr<RcuFlavor> make_busted(Kernel& k);

std::unique_ptr<RcuFlavor> make_flavor(std::string_view name, Kernel& k) {
  if (name == "busted") return make_busted(k);
  return std::make_unique<ClassicRcu>(k);
}

namespace {
inline bool rcu_batch_before(long a, long b) { return (a - b) < 0; }
constexpr Addr kNextOff = kRcuHeadNext, kFuncOff = kRcuHeadFunc;

// sum += now - before; before = now. Runs per callback (and per cache level), so four counters
// at a time (GCC's vector extension: AVX2 where the build has it, else pairs or scalars).
inline void add_since(ClassCounts& sum, const ClassCounts& now, ClassCounts& before) {
  using V = std::uint64_t __attribute__((vector_size(32)));
  std::size_t i = 0;
  for (; i + 4 <= kMemClasses; i += 4) {
    V s, n, b;
    std::memcpy(&s, &sum[i], sizeof s);
    std::memcpy(&n, &now[i], sizeof n);
    std::memcpy(&b, &before[i], sizeof b);
    s += n - b;
    std::memcpy(&sum[i], &s, sizeof s);
    std::memcpy(&before[i], &n, sizeof n);
  }
  for (; i < kMemClasses; ++i) {
    const std::uint64_t v = now[i];
    sum[i] += v - before[i];
    before[i] = v;
  }
}
}  // namespace

ClassicRcu::ClassicRcu(Kernel& k) : k_(k), data_(static_cast<std::size_t>(k.cfg.machine.cpus)) {
  rcp_.cpumask.assign(data_.size(), 0);
  for (std::size_t i = 0; i < data_.size(); ++i) {  // rcu_init_percpu_data()
    data_[i].cpu = static_cast<int>(i);
    data_[i].quiescbatch = rcp_.completed;
    data_[i].blimit = k.cfg.rcu.blimit;
  }
}

// *to->tail = from->head: the splice writes the last rcu_head's next word.
void ClassicRcu::append(rcu_list& to, const rcu_list& from) {
  if (from.empty()) return;
  if (to.empty()) to.head = from.head;
  else k_.heap.write_u64(to.tail + kNextOff, from.head);
  to.tail = from.tail;
}

void ClassicRcu::call_rcu(Cpu& cpu, Addr head, std::uint64_t func) {
  rcu_data& r = rdp(cpu);
  cpu.fetch(k_.text.call_rcu);
  cpu.charge(k_.cfg.costs.call_rcu);
  k_.heap.write_u64(head + kFuncOff, func);  // head->func = func;
  k_.heap.write_u64(head + kNextOff, 0);     // head->next = NULL;
  cpu.write(head, 16, MemClass::rcu_head);
  if (!r.nxtlist.empty()) cpu.write(r.nxtlist.tail + kNextOff, 8, MemClass::rcu_head);
  append(r.nxtlist, rcu_list{head, head});  // *rdp->nxttail = head; rdp->nxttail = &head->next;
  ++r.qlen;
  ++qlen_total_;
  if (k_.trace.enabled()) {  // the kernel's tracepoint tells the two kinds apart the same way
    const auto off = decode_kfree_offset(k_.encoding, func);
    k_.trace.add({cpu.now().v, cpu.id(), off ? Ev::rcu_kfree_callback : Ev::rcu_callback, 0, head,
                  off ? *off : func, r.qlen});
  }
  if (r.qlen > k_.cfg.rcu.qhimark) {
    r.blimit = INT_MAX;
    force_quiescent_state(cpu, r);
  }
}

void ClassicRcu::force_quiescent_state(Cpu& cpu, rcu_data&) {
  cpu.set_need_resched();
  cpu.spin_lock(rcp_.lock);
  if (!rcp_.signaled) {
    rcp_.signaled = 1;
    k_.trace.add({cpu.now().v, cpu.id(), Ev::rcu_force_qs, rcp_.cur});
    for (int c = 0; c < k_.ncpus(); ++c)
      if (c != cpu.id() && rcp_.cpumask[static_cast<std::size_t>(c)]) cpu.send_resched_ipi(c);
  }
  cpu.charge(k_.cfg.costs.lock_hold);
  cpu.spin_unlock(rcp_.lock);
}

void ClassicRcu::fill_cpumask(Cpu&) {
  rcp_.cpumask_weight = 0;
  for (int c = 0; c < k_.ncpus(); ++c) {  // cpus_andnot(cpumask, cpu_online_map, nohz_cpu_mask)
    const bool in = !k_.cpu(c).tick_stopped();
    rcp_.cpumask[static_cast<std::size_t>(c)] = in;
    rcp_.cpumask_weight += in;
  }
}

// Caller holds rcp->lock.
void ClassicRcu::start_batch(Cpu& cpu) {
  if (rcp_.next_pending && rcp_.completed == rcp_.cur) {
    rcp_.next_pending = 0;
    ++rcp_.cur;
    fill_cpumask(cpu);
    rcp_.signaled = 0;
    rcp_.gp_start = cpu.now();
    ++k_.stats.gp_started;
    k_.trace.add({cpu.now().v, cpu.id(), Ev::rcu_grace_period, rcp_.cur, 0, 0, -1, -1,
                  k_.trace.intern("start")});
    if (rcp_.cpumask_weight == 0) cpu_quiet(cpu);  // every CPU is in nohz: nothing to wait for
  }
}

// Caller holds rcp->lock.
void ClassicRcu::cpu_quiet(Cpu& cpu) {
  auto& bit = rcp_.cpumask[static_cast<std::size_t>(cpu.id())];
  if (bit) {
    bit = 0;
    --rcp_.cpumask_weight;
  }
  if (rcp_.cpumask_weight == 0) {  // batch completed!
    // A CPU outside the batch's cpumask (it was in nohz when the batch began) may still report a
    // quiescent state for it afterwards; the kernel then "completes" it again, harmlessly.
    if (rcp_.completed == rcp_.cur) return start_batch(cpu);
    rcp_.completed = rcp_.cur;
    ++k_.stats.gp_completed;
    k_.stats.gp_latency.add((cpu.now() - rcp_.gp_start).v);
    k_.trace.add({cpu.now().v, cpu.id(), Ev::rcu_grace_period, rcp_.completed, 0, 0, -1, -1,
                  k_.trace.intern("end")});
    if (!k_.cfg.script.empty()) {
      k_.note(cpu.id(), cpu.now(), fmt::format("grace period {} ends", rcp_.completed));
      k_.fire("gp_end", cpu.now());
    }
    start_batch(cpu);
  }
}

void ClassicRcu::check_quiescent_state(Cpu& cpu, rcu_data& r) {
  if (r.quiescbatch != rcp_.cur) {  // a new grace period: note it, report on a later pass
    r.qs_pending = 1;
    r.passed_quiesc = 0;
    r.quiescbatch = rcp_.cur;
    return;
  }
  if (!r.qs_pending || !r.passed_quiesc) return;
  r.qs_pending = 0;
  cpu.spin_lock(rcp_.lock);
  if (r.quiescbatch == rcp_.cur) {
    ++cpu.stats().quiescent_states;
    k_.trace.add({cpu.now().v, cpu.id(), Ev::rcu_grace_period, rcp_.cur, 0, 0, -1, -1,
                  k_.trace.intern("cpuqs")});
    cpu_quiet(cpu);
  }
  cpu.charge(k_.cfg.costs.lock_hold);
  cpu.spin_unlock(rcp_.lock);
}

void ClassicRcu::process_callbacks(Cpu& cpu) {
  rcu_data& r = rdp(cpu);
  cpu.fetch(k_.text.rcu_process_callbacks);
  if (!r.curlist.empty() && !rcu_batch_before(rcp_.completed, r.batch)) {
    k_.trace.add({cpu.now().v, cpu.id(), Ev::rcu_donelist, r.batch});
    if (!k_.cfg.script.empty()) note_donelist(cpu, r);
    append(r.donelist, r.curlist);
    r.curlist = {};
  }
  if (!r.nxtlist.empty() && r.curlist.empty()) {
    r.curlist = r.nxtlist;
    r.nxtlist = {};
    r.batch = rcp_.cur + 1;  // determine batch number
    if (!rcp_.next_pending) {  // and start it / schedule start if it's a new batch
      cpu.spin_lock(rcp_.lock);
      rcp_.next_pending = 1;
      start_batch(cpu);
      cpu.charge(k_.cfg.costs.lock_hold);
      cpu.spin_unlock(rcp_.lock);
    }
  }
  check_quiescent_state(cpu, r);
  if (!r.donelist.empty()) do_batch(cpu, r);
}

// For scripted runs: which labelled callbacks just reached the donelist, and the named event.
void ClassicRcu::note_donelist(Cpu& cpu, const rcu_data& r) {
  std::string names;
  long n = 0;
  for (Addr h = r.curlist.head; h; h = k_.heap.read_u64(h + kNextOff), ++n) {
    if (k_.labels.empty()) continue;
    auto it = k_.labels.find(h);
    if (it == k_.labels.end()) continue;
    names += (names.empty() ? "" : ", ") + it->second;
    k_.fire("donelist:" + it->second, cpu.now());
  }
  k_.note(cpu.id(), cpu.now(),
          fmt::format("curlist -> donelist (batch {}): {} callbacks{}{}", r.batch, n,
                      names.empty() ? "" : " incl. ", names));
  k_.fire(fmt::format("donelist:{}", cpu.id()), cpu.now());
}

void ClassicRcu::do_batch(Cpu& cpu, rcu_data& r) {
  cpu.fetch(k_.text.rcu_do_batch);
  k_.trace.add({cpu.now().v, cpu.id(), Ev::rcu_batch_start, 0, 0, 0, r.qlen, r.blimit});
  // Each callback is charged what this CPU's counters advanced while it ran. Nothing runs
  // between two callbacks, so the figures after one are those before the next: one snapshot each.
  const AccessCounters& ctr = k_.mem->counters(cpu.id());
  const CacheCounters* cc = k_.cache ? &k_.cache->cache_counters(cpu.id()) : nullptr;
  Cycles t0 = cpu.now();
  std::uint64_t a0 = ctr.accesses;
  ClassCounts c0 = ctr.by_class;
  std::array<ClassCounts, kCacheLevels> m0{};
  ClassCounts coh0{};
  if (cc) {
    for (std::size_t l = 0; l < kCacheLevels; ++l) m0[l] = cc->levels[l].misses;
    coh0 = cc->coherence_misses;
  }
  long count = 0;
  Addr list = r.donelist.head;
  while (list) {
    cpu.charge(k_.cfg.costs.do_batch);
    cpu.read(list + kNextOff, 8, MemClass::rcu_head);
    const Addr next = k_.heap.read_u64(list + kNextOff);
    if (next) {  // the kernel's prefetch(next), for the host: its bytes and the caches' state
      k_.heap.prefetch(next);
      cpu.expect(next);
    }
    const Path p = rcu_reclaim(cpu, list);
    PathStats& ps = k_.stats.path[static_cast<std::size_t>(p)];
    const Cycles t1 = cpu.now();
    ps.cycles += (t1 - t0).v;
    t0 = t1;
    ps.accesses += ctr.accesses - a0;
    a0 = ctr.accesses;
    add_since(ps.by_class, ctr.by_class, c0);
    if (cc) {  // this object's misses, per level and kind of memory
      for (std::size_t l = 0; l < kCacheLevels; ++l) add_since(ps.misses[l], cc->levels[l].misses, m0[l]);
      add_since(ps.coherence_misses, cc->coherence_misses, coh0);
    }
    if (next) k_.heap.prefetch_meta(next);  // for the host: next's PageInfo is there by now
    list = next;
    if (++count >= r.blimit || k_.stopped()) break;
  }
  r.donelist.head = list;
  r.qlen -= count;
  qlen_total_ -= count;
  if (r.blimit == INT_MAX && r.qlen <= k_.cfg.rcu.qlowmark) r.blimit = k_.cfg.rcu.blimit;
  k_.trace.add({cpu.now().v, cpu.id(), Ev::rcu_batch_end, 0, 0, 0, r.qlen, count});
  if (r.donelist.empty()) r.donelist.tail = 0;
  else cpu.raise_softirq();
}

void ClassicRcu::for_each_queued(int cpu, const std::function<void(Addr)>& f) const {
  const rcu_data& r = data_[static_cast<std::size_t>(cpu)];
  for (const rcu_list* l : {&r.donelist, &r.curlist, &r.nxtlist})
    for (Addr h = l->head; h; h = k_.heap.read_u64(h + kNextOff)) f(h);
}

bool ClassicRcu::pending(Cpu& cpu) {
  const rcu_data& r = rdp(cpu);
  if (!r.curlist.empty() && !rcu_batch_before(rcp_.completed, r.batch)) return true;
  if (r.curlist.empty() && !r.nxtlist.empty()) return true;
  if (!r.donelist.empty()) return true;
  return r.quiescbatch != rcp_.cur || r.qs_pending;
}

bool ClassicRcu::needs_cpu(Cpu& cpu) { return !rdp(cpu).curlist.empty() || pending(cpu); }

void ClassicRcu::check_callbacks(Cpu& cpu, bool user) {
  // user || (idle_cpu(cpu) && !in_softirq() && hardirq_count() <= (1 << HARDIRQ_SHIFT))
  if (user || (cpu.ctx() == TaskCtx::idle && !cpu.in_softirq())) qsctr_inc(cpu);
  cpu.raise_softirq();
}

}  // namespace rcusim

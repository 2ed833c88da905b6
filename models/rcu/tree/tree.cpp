// Tree RCU's boot (rcu_init_geometry(), rcu_init_one(), rcutree_prepare_cpu()), its tunables as
// rcu_init() settles them, its queries and the polled grace-period API: kernel/rcu/tree.c, v6.6.
#include "models/rcu/tree/tree.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/kernel/kernel.hpp"
#include "models/rcu/rcu_head.hpp"

namespace rcusim {

std::unique_ptr<RcuFlavor> make_tree(Kernel& k, const RcuConfig& cfg) {
  return std::make_unique<tree::TreeRcu>(k, cfg);
}

namespace tree {

std::string_view gp_state_name(int s) {
  static constexpr std::string_view names[] = {
      "RCU_GP_IDLE",     "RCU_GP_WAIT_GPS",  "RCU_GP_DONE_GPS", "RCU_GP_ONOFF",  "RCU_GP_INIT",
      "RCU_GP_WAIT_FQS", "RCU_GP_DOING_FQS", "RCU_GP_CLEANUP",  "RCU_GP_CLEANED"};
  return s >= 0 && s <= RCU_GP_CLEANED ? names[s] : "?";
}

namespace {
// The lockdep class of each level's rcu_node.lock (RCU_NODE_NAME_INIT, kernel/rcu/tree.h).
constexpr const char* kNodeLockNames[RCU_NUM_LVLS] = {"rcu_node_0", "rcu_node_1", "rcu_node_2",
                                                      "rcu_node_3"};
}  // namespace

TreeRcu::TreeRcu(Kernel& k, const RcuConfig& cfg)
    : k_(k), cfg_(cfg), data_(static_cast<std::size_t>(k.machine.cpus)) {
  const long nr_cpu_ids = k.machine.cpus;
  rsp_.geo = rcu_init_geometry(static_cast<int>(nr_cpu_ids), static_cast<int>(cfg.rcu_fanout_leaf));
  rsp_.node.reserve(rsp_.geo.node.size());
  for (const rcu_node_geometry& g : rsp_.geo.node) {  // rcu_init_one()
    rcu_node& n = rsp_.node.emplace_back(g);
    n.lock.set_class(k.stats.lock_class(kNodeLockNames[n.level]));
  }
  rsp_.barrier_lock.set_class(k.stats.lock_class("rcu_state.barrier_lock"));
  // rcu_boot_init_percpu_data(), rcutree_prepare_cpu()
  for (std::size_t c = 0; c < data_.size(); ++c) {
    rcu_data& r = data_[c];
    r.cpu = static_cast<int>(c);
    r.mynode = rsp_.geo.mynode[c];
    r.grpmask = rcu_cpu_grpmask(rsp_.geo, r.cpu);
    r.gp_seq = r.gp_seq_needed = mynode(r).gp_seq;
    r.blimit = cfg.blimit;
    r.barrier_seq_snap = rsp_.barrier_sequence;
    rcu_segcblist_init(r.cblist);
    r.barrier_head = k.heap.kmalloc(kRcuHeadSize);  // DEFINE_PER_CPU(rcu_data).barrier_head
    if (!r.barrier_head) throw std::runtime_error("heap.size is too small for per-CPU data");
  }
  // rcu_init_geometry(): RCU_JIFFIES_TILL_FORCE_QS plus one jiffy per 256 CPUs, unless given;
  // given values are clamped as param_set_{first,next}_fqs_jiffies() clamp them.
  hz_ = k.machine.hz;
  period_ = Cycles{static_cast<std::int64_t>(k.freq.hz / static_cast<std::uint64_t>(hz_))};
  const long d = 1 + (hz_ > 250) + (hz_ > 500) + nr_cpu_ids / RCU_JIFFIES_FQS_DIV;
  const long first = cfg.jiffies_till_first_fqs, next = cfg.jiffies_till_next_fqs;
  jiffies_till_first_fqs_ = first < 0 ? d : std::min(first, hz_);
  jiffies_till_next_fqs_ = next < 0 ? d : next > hz_ ? hz_ : next ? next : 1;
  // adjust_jiffies_till_sched_qs(): the third FQS scan, but at least HZ / 10 + cpus / 256.
  const long j = jiffies_till_first_fqs_ + 2 * jiffies_till_next_fqs_;
  jiffies_to_sched_qs_ = std::max(j, hz_ / 10 + nr_cpu_ids / RCU_JIFFIES_FQS_DIV);
  qovld_calc_ = cfg.qovld < 0 ? 2 * cfg.qhimark : cfg.qovld;  // rcu_init()
  const std::int64_t rrn = std::clamp<std::int64_t>(cfg.rcu_resched_ns, 1'000'000, 1'000'000'000);
  rcu_resched_ = k.freq.from_ns(rrn);
  kt_ = std::make_unique<Cpu>(k, static_cast<int>(cfg.gp_kthread_cpu));
}

TreeRcu::~TreeRcu() = default;

void TreeRcu::start_kthreads() {
  // rcu_spawn_gp_kthread(), bound to its CPU (rcu_bind_gp_kthread()).
  k_.spawn_kthread(kt_->id(), "rcu_sched", [this] { rcu_gp_kthread(); });
}

// raw_spin_unlock_rcu_node() after a critical section of costs.lock_hold cycles.
void TreeRcu::unlock(Cpu& cpu, rcu_node& n) {
  cpu.charge(k_.costs.lock_hold);
  cpu.spin_unlock(n.lock);
}

// trace_rcu_grace_period(rcu_state.name, gp_seq, gpevent).
void TreeRcu::trace(const Cpu& cpu, std::uint64_t gp, std::string_view what) const {
  if (!k_.tp.enabled()) return;
  k_.tp.emit({.time = cpu.now().v,
              .cpu = cpu.id(),
              .ev = Ev::rcu_grace_period,
              .gp = gp_seq_signed(gp),
              .detail = what});
}

// trace_rcu_grace_period_init() (mask unused) and trace_rcu_quiescent_state_report().
void TreeRcu::trace_node(const Cpu& cpu, Ev ev, const rcu_node& n, std::uint64_t mask) const {
  if (!k_.tp.enabled()) return;
  k_.tp.emit({.time = cpu.now().v,
              .cpu = cpu.id(),
              .ev = ev,
              .gp = gp_seq_signed(n.gp_seq),
              .level = n.level,
              .grplo = n.grplo,
              .grphi = n.grphi,
              .mask = mask,
              .qsmask = n.qsmask});
}

// Completed grace periods, counted from -300 as the 2.6.27 flavour's batches are.
std::int64_t TreeRcu::completed() const {
  return static_cast<std::int64_t>(rsp_.gp_seq) >> RCU_SEQ_CTR_SHIFT;
}

// get_state_synchronize_rcu() and poll_state_synchronize_rcu() read rcu_state.gp_seq_polled,
// which follows the normal grace periods (rcu_poll_gp_seq_start()/_end() in rcu_gp_init() and
// rcu_gp_cleanup()) and, in the kernel, the expedited ones too.
std::uint64_t TreeRcu::get_state_synchronize_rcu() const {
  return rcu_seq_snap(rsp_.gp_seq_polled);
}

bool TreeRcu::poll_state_synchronize_rcu(std::uint64_t cookie) const {
  constexpr std::uint64_t RCU_GET_STATE_COMPLETED = 0x1;
  return cookie == RCU_GET_STATE_COMPLETED || rcu_seq_done_exact(rsp_.gp_seq_polled, cookie);
}

void TreeRcu::for_each_queued(int cpu, const std::function<void(Addr)>& f) const {
  const rcu_segcblist& l = data_[static_cast<std::size_t>(cpu)].cblist;
  for (Addr h = l.head; h; h = k_.heap.read_u64(h + kRcuHeadNext)) f(h);
}

}  // namespace tree
}  // namespace rcusim

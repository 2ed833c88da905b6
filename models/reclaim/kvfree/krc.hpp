// The per-CPU state of batched kfree_rcu() (kernel/rcu/tree.c, v5.6-v6.12): struct
// kfree_rcu_cpu with its batches in flight (kfree_rcu_cpu_work) and pages of pointers
// (kvfree_rcu_bulk_data). Pages are real pages of the simulated heap whose records are written
// into their bytes; the host keeps a copy of each page's records for kfree_bulk()'s array.
// Channel 1 (SLAB pointers) is modelled; channel 2 (vmalloc pointers) is not.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "models/kernel/workqueue.hpp"
#include "sim/base/rng.hpp"
#include "sim/base/units.hpp"

namespace rcusim {

struct KfreeRcuCpu;
class KvfreeRcu;

// struct kvfree_rcu_bulk_data: one page, a header then records[].
struct KvfreeBulkData {
  Addr page = 0;
  std::vector<Addr> records;  // the pointers, as in the page's bytes
  std::uint64_t gp_snap = 0;  // get_state_synchronize_rcu() at the last record (6.3 on)
};

// struct kfree_rcu_cpu_work: one batch, detached from the CPU and waiting for its grace period.
struct KfreeRcuCpuWork {
  WorkStruct work;     // rcu_work.work: kfree_rcu_work()
  Addr rcu_head = 0;   // rcu_work.rcu, queued by queue_rcu_work()
  Addr head_free = 0;  // channel 3: objects linked through rcu_heads
  std::int64_t head_free_count = 0;
  std::uint64_t head_free_gp_snap = 0;
  std::deque<KvfreeBulkData> bulk_head_free;  // channel 1
  KfreeRcuCpu* krcp = nullptr;
  bool busy() const { return head_free || !bulk_head_free.empty(); }  // need_wait_for_krwp_work()
};

struct KfreeRcuCpu {
  KfreeRcuCpu(KvfreeRcu& k, int c, Rng r) : kv(&k), cpu(c), fail_rng(r) {}
  KvfreeRcu* kv;
  int cpu;
  Addr self = 0;  // where the structure lies (its lock, heads and counts: one cache line)
  Addr head = 0;  // objects not yet in a batch, through their rcu_heads
  std::int64_t head_count = 0;
  std::uint64_t head_gp_snap = 0;
  std::deque<KvfreeBulkData> bulk_head;  // newest page first (list_add())
  std::int64_t bulk_count = 0;
  std::array<KfreeRcuCpuWork, 2> krw_arr;  // KFREE_N_BATCHES of them used
  DelayedWork monitor_work;                // kfree_rcu_monitor()
  bool monitor_todo = false;               // 5.6-5.7: a monitor run is pending
  std::vector<Addr> bkvcache;              // cached pages
  DelayedWork page_cache_work;             // fill_page_cache_func()
  bool work_in_progress = false;
  Rng fail_rng;  // [reclaim] fail_page_alloc's draws
  std::int64_t count() const { return head_count + bulk_count; }    // krc_count()
  bool need_offload() const { return head || !bulk_head.empty(); }  // need_offload_krc()
};

}  // namespace rcusim

// kfree_scale_thread() of kernel/rcu/rcuscale.c (e6e78b004fa7; v6.6 form): one thread per CPU
// allocating kfree_alloc_num objects and kfree_rcu()ing each, kfree_loops times, reporting the
// time, the grace periods elapsed ("batches") and the memory footprint as the kernel prints
// them. The objects go through whatever kfree_rcu() generation and RCU flavour the run has.
#pragma once
#include <cstdint>
#include <string>

#include "models/kernel/task.hpp"
#include "models/workload/config.hpp"

namespace rcusim {

class Kernel;

// The test's globals: n_kfree_scale_thread_started/ended, b_rcu_gp_test_started/finished.
struct RcuscaleRun {
  int nthreads = 0;
  int started = 0, ended = 0;
  std::int64_t gp_started = 0, gp_finished = 0;
  bool done = false;
  std::int64_t total_ns = 0, loops = 0, batches = 0, footprint_mb = 0;
  // pr_alert("Total time taken by all kfree'ers: %llu ns, loops: %d, batches: %ld, memory
  // footprint: %lldMB\n")
  std::string line() const;
};

// compute_real(kfree_nthreads) on `cpus` CPUs.
int rcuscale_threads(const RcuscaleConfig& c, int cpus);

class RcuscaleKfreeTask final : public Task {
 public:
  RcuscaleKfreeTask(const RcuscaleConfig& c, RcuscaleRun& run, std::uint64_t heap_bytes)
      : c_(c), run_(run), heap_bytes_(heap_bytes) {}
  bool step(Cpu& cpu) override;

 private:
  std::int64_t si_mem_available(const Kernel& k) const;  // bytes
  void finish(Cpu& cpu);
  const RcuscaleConfig& c_;
  RcuscaleRun& run_;
  std::uint64_t heap_bytes_;
  bool started_ = false, finished_ = false;
  std::int64_t loop_ = 0, i_ = 0;
  std::int64_t start_time_ = 0;
  std::int64_t mem_begin_ = 0, mem_during_ = 0;
};

}  // namespace rcusim

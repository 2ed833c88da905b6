#include "sim/engine/engine.hpp"

#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "models/memory/models.hpp"
#include "models/module/modules.hpp"
#include "models/rcu/flavor.hpp"
#include "models/rcu/flavors.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/workload/mix.hpp"
#include "models/workload/script.hpp"
#include "models/workload/world.hpp"
#include "sim/base/plugin.hpp"
#include "sim/engine/audit.hpp"
#include "sim/scenario/scenario.hpp"

namespace sg4 = simgrid::s4u;

namespace rcusim {
namespace {

constexpr std::uint64_t kPerturbStream = 0x5045525455ULL;
constexpr std::uint64_t kWorldStream = 0x574f524c44ULL;

// Boot: the kernel and its plug-ins, then the world the workloads use, in a fixed order (heap
// addresses and text layout depend on it).
void boot(const Config& c, const RunOptions& opt, RunResult& r) {
  const RunBounds bounds{c.seed, c.duration, c.drain, c.on_oops == "stop"};
  const int ncpus = static_cast<int>(c.machine.cpus);
  r.kernel = std::make_unique<Kernel>(
      c.machine, c.costs, c.perturb, c.heap, bounds,
      find_ops(memory_models(), c.memory.model)->make(ncpus, c.memory, c.cache));
  Kernel& k = *r.kernel;
  k.stats.keep_latencies = c.output.latencies;
  Rng rng(static_cast<std::uint64_t>(c.seed), kWorldStream);
  build_world(k, r.world, c.objects, c.table, rng);
  load_modules(k, c.module);
  if (opt.replay) r.traced_functions = add_traced_functions(k, opt.replay->functions);
  for (std::size_t i = 0; i < c.workload.size(); ++i)
    r.workload_mem.push_back(make_workload_memory(k, c.workload[i], i));
  place_late_text(k.syms, k.text);
  k.stats.modules.resize(static_cast<std::size_t>(k.syms.module_count()));
  // Scripts run on their CPUs, or on a seeded permutation of them (perturb.shuffle_cpus).
  for (const auto& sc : c.script) r.script_cpu.push_back(static_cast<int>(sc.cpu));
  if (c.perturb.shuffle_cpus) {
    Rng prng(static_cast<std::uint64_t>(c.seed), kPerturbStream);
    std::vector<int> perm(static_cast<std::size_t>(ncpus));
    for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int>(i);
    for (std::size_t i = perm.size(); i > 1; --i) std::swap(perm[i - 1], perm[prng.below(i)]);
    for (auto& sc : r.script_cpu) sc = perm[static_cast<std::size_t>(sc)];
  }
  k.rcu = find_ops(rcu_flavors(), c.rcu.flavor)->make(k, c.rcu);
  k.reclaim = std::make_unique<Reclaim>(k, c.reclaim, static_cast<std::uint64_t>(c.seed));
  k.boot_cpus();
}

// The tracepoint hook's subscribers. The timeline comes before the script board, which forgets
// a callback's label once it is invoked.
void subscribe(const Config& c, const RunOptions& opt, RunResult& r) {
  Kernel& k = *r.kernel;
  if (!c.script.empty()) r.board = std::make_unique<ScriptBoard>(k);
  if (c.output.events) {
    r.log = std::make_unique<EventLog>(k.ncpus());
    k.tp.subscribe(*r.log);
  }
  if (r.board && c.output.timeline) {
    r.timeline = std::make_unique<Timeline>(k, *r.board);
    k.tp.subscribe(*r.timeline);
  }
  if (r.board) k.tp.subscribe(*r.board);
  if (opt.trace && opt.trace->any()) {
    r.recorder = std::make_unique<TraceRecorder>(k, *opt.trace);
    k.tp.subscribe(*r.recorder, r.recorder->kinds());
  }
  if (opt.replay) {
    r.figures = std::make_unique<FigureSink>(k.ncpus(), k.freq);
    k.tp.subscribe(*r.figures, r.figures->kinds());
  }
}

// A replay's CPUs each queue their traced callbacks.
void replay_tasks(const RunOptions::Replay& replay, RunResult& r,
                  std::vector<std::unique_ptr<Task>>& tasks) {
  std::vector<std::vector<TracedCallback>> per_cpu(tasks.size());
  for (const TracedCallback& c : replay.callbacks)
    per_cpu[static_cast<std::size_t>(c.cpu)].push_back(c);
  for (std::size_t c = 0; c < tasks.size(); ++c)
    tasks[c] = std::make_unique<TraceTask>(std::move(per_cpu[c]), r.traced_functions);
}

// `names` gets the name of each CPU's task, as traces show it ("workload0", "script1").
std::vector<std::unique_ptr<Task>> make_tasks(const Config& cfg, const RunOptions& opt,
                                              RunResult& r, std::vector<std::string>& names) {
  const auto seed = static_cast<std::uint64_t>(cfg.seed);
  std::vector<std::unique_ptr<Task>> tasks(static_cast<std::size_t>(cfg.machine.cpus));
  names.assign(tasks.size(), opt.replay ? "replay" : "");
  if (opt.replay) replay_tasks(*opt.replay, r, tasks);
  // rcuscale's kfree threads take their CPUs first (thread i on CPU i % cpus).
  if (cfg.rcuscale.kfree_rcu_test) {
    r.rcuscale = std::make_unique<RcuscaleRun>();
    r.rcuscale->nthreads = rcuscale_threads(cfg.rcuscale, static_cast<int>(cfg.machine.cpus));
    for (std::size_t i = 0; i < static_cast<std::size_t>(r.rcuscale->nthreads); ++i) {
      tasks[i] =
          std::make_unique<RcuscaleKfreeTask>(cfg.rcuscale, *r.rcuscale, cfg.heap.size.bytes);
      names[i] = "kfree_scale_thread";
    }
  }
  for (std::size_t i = 0; i < cfg.workload.size(); ++i)
    for (int c : parse_cpu_list(cfg.workload[i].cpus, static_cast<int>(cfg.machine.cpus)))
      if (!tasks[static_cast<std::size_t>(c)]) {  // the first workload naming a CPU wins
        tasks[static_cast<std::size_t>(c)] = std::make_unique<MixTask>(
            cfg.workload[i], r.workload_mem[i], r.world, cfg.objects.kfree_rcu, seed, c);
        names[static_cast<std::size_t>(c)] = fmt::format("workload{}", i);
      }
  // A script takes its CPU; that CPU's workload, if any, runs while the script waits.
  for (std::size_t i = 0; i < cfg.script.size(); ++i) {
    auto& slot = tasks[static_cast<std::size_t>(r.script_cpu[i])];
    slot = std::make_unique<ScriptTask>(cfg.script[i], std::move(slot), *r.board, r.world, seed, i);
    names[static_cast<std::size_t>(r.script_cpu[i])] = fmt::format("script{}", i);
  }
  for (auto& t : tasks)
    if (!t) t = std::make_unique<IdleTask>();
  return tasks;
}

// Samples memory waiting for reclaim at a fixed simulated period; prints progress (wall-clock
// is used for nothing else) when asked.
void sampler(Kernel& k, Cycles step, bool progress, std::chrono::duration<double> progress_after) {
  const auto wall0 = std::chrono::steady_clock::now();
  auto last_print = wall0;
  bool printed = false;
  for (Cycles t{0};; t += step) {
    sg4::this_actor::sleep_until(static_cast<double>(t.v));
    k.stats.series.push_back({t.v, k.stats.waiting_objects, k.stats.waiting_bytes});
    if (!progress) continue;
    const auto now = std::chrono::steady_clock::now();
    if (now - wall0 >= progress_after &&
        (!printed || now - last_print > std::chrono::milliseconds(500))) {
      last_print = now;
      printed = true;
      std::fprintf(stderr, "\r  simulated %.3f / %.3f ms, %llu objects reclaimed   ",
                   static_cast<double>(k.freq.to_ns(t)) / 1e6,
                   static_cast<double>(k.freq.to_ns(k.work_end)) / 1e6,
                   static_cast<unsigned long long>(k.stats.reclaimed_total()));
    }
    if (printed && k.stopped()) std::fprintf(stderr, "\n");
  }
}

}  // namespace

RunResult run_simulation(const Config& cfg, const RunOptions& opt) {
  std::vector<std::string> args{"rcusim"};
  args.insert(args.end(), opt.simgrid_args.begin(), opt.simgrid_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine e(&argc, argv.data());

  auto* zone = sg4::create_full_zone("machine");
  std::vector<sg4::Host*> hosts;
  for (int i = 0; i < cfg.machine.cpus; ++i)
    hosts.push_back(zone->create_host(fmt::format("cpu{}", i), 1.0));
  zone->seal();

  RunResult r;
  boot(cfg, opt, r);
  subscribe(cfg, opt, r);
  Kernel& k = *r.kernel;
  std::vector<std::string> task_names;
  auto tasks = make_tasks(cfg, opt, r, task_names);
  if (r.recorder) r.recorder->set_task_names(std::move(task_names));
  for (int i = 0; i < cfg.machine.cpus; ++i) {
    Task* t = tasks[static_cast<std::size_t>(i)].get();
    sg4::Actor::create(fmt::format("cpu{}", i), hosts[static_cast<std::size_t>(i)],
                       [&k, i, t] { k.cpu(i).main_loop(*t); });
  }
  k.spawn_kthread = [&hosts](int cpu, const std::string& name, std::function<void()> body) {
    sg4::Actor::create(name, hosts[static_cast<std::size_t>(cpu)], std::move(body))->daemonize();
  };
  k.rcu->start_kthreads();
  const Cycles step = k.cycles(cfg.output.sample_interval);
  sg4::Actor::create("sampler", hosts[0], [&k, &opt, step] {
    sampler(k, step, opt.progress, std::chrono::duration<double>(opt.progress_after_s));
  })->daemonize();
  e.run();
  r.end = Cycles{static_cast<std::int64_t>(sg4::Engine::get_clock())};
  if (!k.stopped() || k.stats.outcome() != "oops") audit_pending_callbacks(k, r.end);
  return r;
}

}  // namespace rcusim

#include "sim/engine/engine.hpp"

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "models/workload/mix.hpp"
#include "models/workload/script.hpp"
#include "sim/engine/audit.hpp"
#include "sim/scenario/scenario.hpp"

namespace sg4 = simgrid::s4u;

namespace rcusim {
namespace {

std::vector<std::unique_ptr<Task>> make_tasks(const Config& cfg, const Kernel& k) {
  const auto seed = static_cast<std::uint64_t>(cfg.seed);
  std::vector<std::unique_ptr<Task>> tasks(static_cast<std::size_t>(cfg.machine.cpus));
  for (std::size_t i = 0; i < cfg.workload.size(); ++i)
    for (int c : parse_cpu_list(cfg.workload[i].cpus, static_cast<int>(cfg.machine.cpus)))
      if (!tasks[static_cast<std::size_t>(c)])  // the first workload naming a CPU wins
        tasks[static_cast<std::size_t>(c)] = std::make_unique<MixTask>(cfg.workload[i], i, seed, c);
  // A script takes its CPU; that CPU's workload, if any, runs while the script waits.
  for (std::size_t i = 0; i < cfg.script.size(); ++i) {
    auto& slot = tasks[static_cast<std::size_t>(k.script_cpu[i])];
    slot = std::make_unique<ScriptTask>(cfg.script[i], std::move(slot), seed, i);
  }
  for (auto& t : tasks)
    if (!t) t = std::make_unique<IdleTask>();
  return tasks;
}

// Samples memory waiting for reclaim at a fixed simulated period; prints progress (wall-clock
// is used for nothing else) when asked.
void sampler(Kernel& k, bool progress, std::chrono::duration<double> progress_after) {
  const auto wall0 = std::chrono::steady_clock::now();
  auto last_print = wall0;
  const Cycles step = k.cycles(k.cfg.output.sample_interval);
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
  for (int i = 0; i < cfg.machine.cpus; ++i) hosts.push_back(zone->create_host(fmt::format("cpu{}", i), 1.0));
  zone->seal();

  RunResult r;
  r.kernel = std::make_unique<Kernel>(cfg);
  Kernel& k = *r.kernel;
  auto tasks = make_tasks(cfg, k);
  for (int i = 0; i < cfg.machine.cpus; ++i) {
    Task* t = tasks[static_cast<std::size_t>(i)].get();
    sg4::Actor::create(fmt::format("cpu{}", i), hosts[static_cast<std::size_t>(i)],
                       [&k, i, t] { k.cpu(i).main_loop(*t); });
  }
  sg4::Actor::create("sampler", hosts[0], [&k, &opt] {
    sampler(k, opt.progress, std::chrono::duration<double>(opt.progress_after_s));
  })->daemonize();
  e.run();
  r.end = Cycles{static_cast<std::int64_t>(sg4::Engine::get_clock())};
  if (!k.stopped() || k.outcome() != "oops") audit_pending_callbacks(k, r.end);
  return r;
}

}  // namespace rcusim

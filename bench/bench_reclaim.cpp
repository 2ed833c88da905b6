// Speed and scale of the simulator on one scenario (default scenarios/bench_64cpu.toml):
// reclaimed objects per wall-second, SimGrid actor switches per reclaimed object, peak RSS and
// its overhead per object waiting for reclaim, and the same switch count through a bare SimGrid
// actor loop, as a ratio of time per switch. Each figure is the median of --reps runs, each run
// in its own process (SimGrid allows one engine per process). Prints one JSON object.
//   bench_reclaim [SCENARIO] [--reps N] [--set key=value]...
// Bad arguments or a bad scenario exit with code 2 and a message, before any run.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/results.hpp"
#include "sim/scenario/scenario.hpp"

namespace sg4 = simgrid::s4u;

namespace {

double peak_rss_bytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) * 1024.0;
}

// Runs `body` in a child process and returns the JSON it wrote to the pipe.
template <class F>
nlohmann::json in_child(F body) {
  int fd[2];
  if (pipe(fd) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    const std::string out = body().dump();
    if (write(fd[1], out.data(), out.size()) < 0) _exit(1);
    _exit(0);
  }
  close(fd[1]);
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd[0], buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  close(fd[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  return s.empty() ? nlohmann::json{} : nlohmann::json::parse(s);
}

nlohmann::json run_rcusim(const rcusim::Config& cfg) {
  const auto t0 = std::chrono::steady_clock::now();
  const rcusim::RunResult r = rcusim::run_simulation(cfg, {});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto s = rcusim::summarize(cfg, r);
  const double heap = static_cast<double>(r.kernel->heap.peak_pages_used() * 4096);
  return {{"wall", wall},
          {"objects", s["metrics"]["reclaimed_objects"]},
          {"switches", s["metrics"]["actor_switches"]},
          {"peak_waiting", s["metrics"]["waiting_for_reclaim"]["peak_objects"]},
          {"simulated_cpu_seconds", static_cast<double>(s["simulated_ns"].get<std::int64_t>()) *
                                        1e-9 * static_cast<double>(cfg.machine.cpus)},
          {"rss", peak_rss_bytes()},
          {"heap_bytes", heap}};
}

// The floor: `cpus` actors on their own hosts doing nothing but sleep_for, `switches` in all.
nlohmann::json run_bare(int cpus, std::uint64_t switches) {
  int argc = 1;
  char name[] = "bare";
  char* argv[] = {name, nullptr};
  sg4::Engine e(&argc, argv);
  auto* zone = sg4::create_full_zone("bare");
  std::vector<sg4::Host*> hosts;
  for (int i = 0; i < cpus; ++i) hosts.push_back(zone->create_host("h" + std::to_string(i), 1.0));
  zone->seal();
  const std::uint64_t per = switches / static_cast<std::uint64_t>(cpus) + 1;
  for (int i = 0; i < cpus; ++i)
    sg4::Actor::create("a", hosts[static_cast<std::size_t>(i)], [per, i] {
      for (std::uint64_t k = 0; k < per; ++k) sg4::this_actor::sleep_for(100.0 + i);
    });
  const auto t0 = std::chrono::steady_clock::now();
  e.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {{"wall", wall}, {"switches", per * static_cast<std::uint64_t>(cpus)}};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

constexpr const char* kUsage = "usage: bench_reclaim [SCENARIO] [--reps N] [--set key=value]...\n";

// Bad arguments or a bad scenario: the message, then exit code 2 before anything runs.
[[noreturn]] void bad_input(const std::string& why) {
  std::fprintf(stderr, "bench_reclaim: %s\n%s", why.c_str(), kUsage);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = std::string(RCUSIM_SOURCE_DIR) + "/scenarios/bench_64cpu.toml";
  int reps = 3;
  std::vector<std::string> sets;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "-h" || a == "--help") {
      std::printf("%s", kUsage);
      return 0;
    } else if (a == "--reps") {
      if (!has_value) bad_input("--reps needs a number");
      const std::string v = argv[++i];
      if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(v) < 1)
        bad_input("--reps: '" + v + "' is not a whole number from 1 to 999999");
      reps = std::stoi(v);
    } else if (a == "--set") {
      if (!has_value) bad_input("--set needs key=value");
      sets.push_back(argv[++i]);
    } else if (a.starts_with("-")) {
      bad_input("unknown option '" + a + "'");
    } else {
      path = a;
    }
  }
  rcusim::Config cfg;
  try {
    cfg = rcusim::load_scenario(path, sets);
  } catch (const std::exception& e) {  // ScenarioError names the file, line and key
    bad_input(e.what());
  }
  std::vector<double> rate, spo, rss_over, wall_per_cpu_s, bare_ratio;
  nlohmann::json last;
  for (int r = 0; r < reps; ++r) {
    last = in_child([&] { return run_rcusim(cfg); });
    const double objects = last["objects"], switches = last["switches"], wall = last["wall"];
    rate.push_back(objects / wall);
    spo.push_back(switches / objects);
    const double waiting = std::max(1.0, last["peak_waiting"].get<double>());
    rss_over.push_back((last["rss"].get<double>() - last["heap_bytes"].get<double>()) / waiting);
    wall_per_cpu_s.push_back(wall / last["simulated_cpu_seconds"].get<double>());
    const auto bare = in_child([&] {
      return run_bare(static_cast<int>(cfg.machine.cpus), static_cast<std::uint64_t>(switches));
    });
    bare_ratio.push_back((wall / switches) /
                         (bare["wall"].get<double>() / bare["switches"].get<double>()));
  }
  const nlohmann::json out = {{"scenario", cfg.name},
                              {"cpus", cfg.machine.cpus},
                              {"memory_model", cfg.memory.model},
                              {"reps", reps},
                              {"reclaimed_objects", last["objects"]},
                              {"reclaimed_objects_per_wall_second", median(rate)},
                              {"actor_switches_per_reclaimed_object", median(spo)},
                              {"peak_rss_bytes", last["rss"]},
                              {"simulated_heap_bytes", last["heap_bytes"]},
                              {"rss_overhead_bytes_per_waiting_object", median(rss_over)},
                              {"wall_seconds_per_simulated_cpu_second", median(wall_per_cpu_s)},
                              {"time_per_switch_vs_bare_simgrid_loop", median(bare_ratio)}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

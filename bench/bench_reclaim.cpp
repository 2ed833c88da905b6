// Reclaimed objects per wall-second and SimGrid actor switches per reclaimed object, on
// scenarios/bench_64cpu.toml (or the scenario given). Prints one JSON object. Figures only.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/engine.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : std::string(RCUSIM_SOURCE_DIR) + "/scenarios/bench_64cpu.toml";
  const rcusim::Config cfg = rcusim::load_scenario(path);
  const auto t0 = std::chrono::steady_clock::now();
  const rcusim::RunResult r = rcusim::run_simulation(cfg, {});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto s = rcusim::summarize(cfg, r);
  const auto objects = s["metrics"]["reclaimed_objects"].get<double>();
  const auto switches = s["metrics"]["actor_switches"].get<double>();
  nlohmann::json out = {{"scenario", cfg.name},
                        {"cpus", cfg.machine.cpus},
                        {"reclaimed_objects", objects},
                        {"wall_seconds", wall},
                        {"reclaimed_objects_per_wall_second", objects / wall},
                        {"actor_switches", switches},
                        {"actor_switches_per_reclaimed_object", switches / objects}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

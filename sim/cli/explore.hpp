// `rcusim explore SCENARIO --runs N [--seed S]`: reruns a scenario under seeded perturbations of
// timing (tick phase, busy lengths, softirq deferral, placement of scripts on CPUs), counts the
// outcomes, and prints the shortest failing run with the command that reproduces it exactly.
#pragma once

namespace CLI {
class App;
}

namespace rcusim {

void add_explore_command(CLI::App& app);

}  // namespace rcusim

// `rcusim run` and `rcusim validate`.
#pragma once
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace rcusim {

// The largest seed a scenario's `seed` key takes.
inline constexpr std::int64_t kMaxSeed = 9'007'000'000'000'000;

// "--seed" text -> seed in 0..kMaxSeed; throws ScenarioError naming `option` otherwise.
std::int64_t parse_seed(const std::string& text, const std::string& option);

// Registers `run` and `validate`; their callbacks exit the process with the command's status.
void add_run_commands(CLI::App& app);

}  // namespace rcusim

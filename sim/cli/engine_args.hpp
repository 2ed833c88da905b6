// SimGrid's own options, --cfg=KEY:VALUE and --log=..., as rcusim passes them to the engine.
// SimGrid aborts the process on some bad values (an unknown context factory, a malformed --log)
// and crashes on a tiny stack, so the ones rcusim can check are checked here first, and every
// command that starts runs (run, sweep, explore) hands the same options on to them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rcusim {

struct EngineArgs {
  std::vector<std::string> args;           // as given, in order
  std::uint64_t stack_bytes = 8ull << 20;  // contexts/stack-size (SimGrid's default, 8 MiB)
};

// Takes --cfg=... and --log=... out of argv (keeping argv[0] and the rest in order), checks
// them and keeps them for engine_args(). Throws std::invalid_argument naming the bad option.
std::vector<char*> take_engine_args(int argc, char** argv);
// Checks one --cfg=... or --log=... word; throws std::invalid_argument.
void check_engine_arg(const std::string& arg, EngineArgs& into);
const EngineArgs& engine_args();
// What the engine of this process's run gets: engine_args().args, and in an AddressSanitizer
// build the thread context factory unless one was chosen (ASan cannot follow SimGrid's own stack
// switching and warns of false positives).
std::vector<std::string> engine_args_for_run();

}  // namespace rcusim

// `rcusim cachesim`: replays a Valgrind Lackey trace through the cache model as Cachegrind's
// I1/D1/LL simulation and prints Cachegrind's six totals, so the model can be checked against
// `valgrind --tool=cachegrind --cache-sim=yes` on the same program (tests/data/cachesim/README.md).
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

#include "models/cache/replay.hpp"

namespace CLI {
class App;
}

namespace rcusim {

// "size,assoc,line" as Cachegrind's --I1/--D1/--LL take it, validated. Throws
// CLI::ValidationError (exit code 2) whose message names `option`.
LevelConfig parse_geometry(std::string_view text, std::string_view option);

std::string format_table(const CachegrindCounts& c);
// One JSON object with exactly the keys I_refs, I1_misses, LLi_misses, D_refs, D1_misses,
// LLd_misses.
std::string format_json(const CachegrindCounts& c);

// Registers `cachesim [trace] [--I1 s,a,l] [--D1 s,a,l] [--LL s,a,l] [--json]`. Option errors
// throw CLI::ValidationError with exit code 2 from the callback; an unreadable or malformed trace
// prints "rcusim cachesim: <file>: <reason>" on stderr and exits with status 2.
void add_cachesim_command(CLI::App& app);

}  // namespace rcusim

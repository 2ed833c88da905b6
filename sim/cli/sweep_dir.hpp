// What `rcusim sweep` may reuse or replace: its directory, the points in it, and job files.
#pragma once
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "sim/cli/sweep.hpp"

namespace rcusim {

std::string read_text(const std::filesystem::path& p);

// A sweep directory is ours to reuse: refuses (std::runtime_error) a file or a foreign non-empty
// directory. Points of the same grid (same `fingerprint` as its sweep.json) that are complete are
// kept and returned; any other result directory rcusim left there (an earlier grid's points, a
// killed run's <point>.tmp-PID) is removed, so that merge never mixes old results with new ones.
std::set<std::string> prepare_dir(const std::filesystem::path& dir, const std::string& fingerprint,
                                  const std::vector<SweepPoint>& grid);

// An emitted job file: one `rcusim run ... --quiet` per line. Only such a file is replaced.
bool is_job_file(const std::filesystem::path& p);

}  // namespace rcusim

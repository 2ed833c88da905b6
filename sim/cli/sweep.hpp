// `rcusim sweep` and `rcusim merge`: run a scenario over the cartesian product of --set value
// lists and seeds (as local subprocesses, or as a job file for GNU Parallel or Slurm), then
// gather every point's summary.json into DIR/sweep.csv.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace rcusim {

struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

// One grid point: the --set overrides ("key=value", in axis order) and the seed.
struct SweepPoint {
  std::string dir;  // directory name under the sweep directory
  std::vector<std::string> sets;
  std::vector<std::string> values;  // the values alone, as given
  int seed = 1;
};

// "key=v1,v2,..." -> axis. Commas inside quotes, brackets or braces do not split, so TOML
// arrays and tables are single values. Throws ScenarioError when malformed.
SweepAxis parse_axis(const std::string& spec);
std::vector<std::string> split_values(std::string_view list);

// The product of the axes (first axis outermost) times seeds 1..seeds (innermost). Directory
// names are "key-value_..._seed-N" over the axes with more than one value, sanitized; a value
// that loses characters to sanitizing or is long also gets a hash of its text, so names stay
// distinct.
std::vector<SweepPoint> make_grid(const std::vector<SweepAxis>& axes, int seeds);

// Digit runs compare as numbers ("types-4" < "types-16"), then plain byte order.
bool natural_less(const std::string& a, const std::string& b);

// Writes DIR/sweep.csv from DIR/*/summary.json and DIR/sweep.json. Returns the CSV text.
// Throws std::runtime_error on a missing sweep.json or an unreadable summary.
std::string merge_sweep(const std::string& dir);

// Writes `text` to `p` through a temporary file and a rename. Throws std::runtime_error.
void write_atomically(const std::filesystem::path& p, const std::string& text);

// Registers `sweep` and `merge` (sweep_run.cpp). Both run from their CLI11 callbacks and exit
// the process with status 2 on bad input (3 when some sweep point failed to run).
void add_sweep_commands(CLI::App& app);

}  // namespace rcusim

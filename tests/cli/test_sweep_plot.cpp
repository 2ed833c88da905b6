// plot.py on a committed fixture; `rcusim sweep` and `rcusim merge` give the same sweep.csv
// whatever the number of jobs, and whether points run locally or from an emitted job file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/cli/sweep.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/sim_run.hpp"

namespace fs = std::filesystem;
using namespace rcusim;
using namespace rcusim::test;

namespace {

struct Shell {
  int code = -1;
  std::string out;  // stdout and stderr
};

Shell sh(const std::string& cmd) {
  Shell r;
  const std::string full = std::string("cd ") + RCUSIM_SOURCE_DIR + " && (" + cmd + ") 2>&1";
  FILE* p = popen(full.c_str(), "r");
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kBin = RCUSIM_BINARY;
const std::string kGrid = " scenarios/smoke.toml --set objects.types=1,4 --set rcu.blimit=10,100";

// `rcusim sweep` of the 2x2 smoke grid into a fresh directory; returns the directory.
std::string sweep_with_jobs(int jobs) {
  const std::string dir = fresh_dir("sweep-j" + std::to_string(jobs));
  const Shell r = sh(kBin + " sweep" + kGrid + " --jobs " + std::to_string(jobs) + " --out " + dir);
  INFO(r.out);
  REQUIRE(r.code == 0);
  return dir;
}

}  // namespace

TEST_CASE("plot: the fixture gives every figure as PNG and SVG and an index") {
  const fs::path dir = fresh_dir("plot");
  fs::copy(fs::path(RCUSIM_SOURCE_DIR) / "tests/data/plot_fixture", dir,
           fs::copy_options::recursive);
  const Shell r = sh("/usr/bin/python3 plot.py " + dir.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  const std::string index = slurp(dir / "index.html");
  for (const char* base :
       {"latency_cdf-smoke-sweep--machine.cpus-2_seed-1",
        "gp_cdf-smoke-sweep--machine.cpus-4_seed-1", "waiting-smoke-sweep--machine.cpus-2_seed-1",
        "gp_cdf-race", "waiting-race", "timeline-race", "cache_misses-cache_types",
        "barrier_unload", "trivial_fraction-smoke", "classic_vs_tree-flavors"}) {
    CAPTURE(base);
    const std::string png = slurp(dir / (std::string(base) + ".png"));
    const std::string svg = slurp(dir / (std::string(base) + ".svg"));
    CHECK(png.size() > 1000);
    CHECK(png.rfind("\x89PNG", 0) == 0);
    CHECK(svg.find("<svg") != std::string::npos);
    CHECK(index.find(std::string("src=\"") + base + ".png\"") != std::string::npos);
  }
  // No latencies.csv in the race fixture: skipped, and said so.
  CHECK_FALSE(fs::exists(dir / "latency_cdf-race.png"));
  CHECK(r.out.find("skip   race: latency CDF: no latencies.csv") != std::string::npos);
  // Headline numbers per run.
  CHECK(index.find("unload_barrier") != std::string::npos);
  CHECK(index.find("oops (expected oops)") != std::string::npos);
  CHECK(index.find("cycles/object") != std::string::npos);
}

TEST_CASE("sweep: value lists split on commas outside quotes and brackets") {
  CHECK(split_values("1,4,16") == std::vector<std::string>{"1", "4", "16"});
  CHECK(split_values(R"("a,b", [1, 2],{ dist = "exp", mean = "5us" })") ==
        std::vector<std::string>{R"("a,b")", "[1, 2]", R"({ dist = "exp", mean = "5us" })"});
  const SweepAxis a = parse_axis("objects.types=16");
  CHECK(a.key == "objects.types");
  CHECK(a.values == std::vector<std::string>{"16"});
  CHECK_THROWS_AS(parse_axis("objects.types"), ScenarioError);
  CHECK_THROWS_AS(parse_axis("objects.types=1,,2"), ScenarioError);
  CHECK_THROWS_AS(parse_axis("seed=1,2"), ScenarioError);
}

TEST_CASE("sweep: point names are sanitized and distinct and merge order is natural") {
  const auto grid =
      make_grid({parse_axis("objects.types=16,4"), parse_axis("rcu.flavor=\"busted\""),
                 parse_axis("objects.size={ dist = \"exp\" }")},
                2);
  REQUIRE(grid.size() == 4);
  CHECK(grid[0].dir == "objects.types-16_seed-1");  // single-value axes are constants
  CHECK(grid[3].dir == "objects.types-4_seed-2");
  CHECK(grid[0].sets == std::vector<std::string>{"objects.types=16", "rcu.flavor=\"busted\"",
                                                 "objects.size={ dist = \"exp\" }"});
  const auto g2 =
      make_grid({parse_axis("objects.size=\"64B\",{ dist = \"exp\", mean = \"64B\" }")}, 1);
  CHECK(g2[0].dir == "objects.size-64B_seed-1");
  CHECK(g2[1].dir.find_first_of(" {}=\"") == std::string::npos);
  CHECK_THROWS_AS(make_grid({parse_axis("objects.types=1,1")}, 1), ScenarioError);
  CHECK(natural_less("objects.types-4_seed-1", "objects.types-16_seed-1"));
  CHECK_FALSE(natural_less("objects.types-16_seed-1", "objects.types-4_seed-1"));
}

TEST_CASE("sweep: bad input exits 2 before anything runs") {
  const std::string dir = fresh_dir("sweep-bad");
  for (const std::string args :
       {" scenarios/none.toml --set objects.types=1", " scenarios/smoke.toml --set objects.types",
        " scenarios/smoke.toml --set objects.types=1,abc",
        " scenarios/smoke.toml --set no.such.key=1,2"}) {
    CAPTURE(args);
    const Shell r = sh(kBin + " sweep" + args + " --out " + dir);
    CHECK(r.code == 2);
    CHECK(r.out.rfind("rcusim: ", 0) == 0);
    CHECK_FALSE(fs::exists(dir));
  }
}

TEST_CASE("sweep: merged CSV is byte-identical with one job and with two") {
  const std::string one = sweep_with_jobs(1), two = sweep_with_jobs(2);
  const std::string csv = slurp(fs::path(one) / "sweep.csv");
  CHECK(csv == slurp(fs::path(two) / "sweep.csv"));
  std::istringstream in(csv);
  std::string header, row;
  std::getline(in, header);
  CHECK(header.rfind("point,objects.types,rcu.blimit,seed,outcome,", 0) == 0);
  CHECK(header.find("kfree_rcu_cycles_per_object") != std::string::npos);
  std::vector<std::string> rows;
  while (std::getline(in, row)) rows.push_back(row);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].rfind("objects.types-1_rcu.blimit-10_seed-1,1,10,1,ok,", 0) == 0);
  CHECK(rows[1].rfind("objects.types-1_rcu.blimit-100_seed-1,1,100,1,ok,", 0) == 0);
  // A point run by hand gives the same summary as the sweep's.
  const Run r =
      run_cli("run scenarios/smoke.toml --set objects.types=4 --set rcu.blimit=100 --seed 1");
  REQUIRE(r.exit_code == 0);
  CHECK(r.file("summary.json") ==
        slurp(fs::path(one) / "objects.types-4_rcu.blimit-100_seed-1/summary.json"));
}

TEST_CASE("sweep: emitted jobs run by GNU parallel merge to the same CSV") {
  const std::string local = sweep_with_jobs(1);
  const std::string dir = fresh_dir("sweep-emit"), jobs = dir + ".jobs";
  Shell r = sh(kBin + " sweep" + kGrid + " --out " + dir + " --emit-jobs " + jobs);
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_FALSE(fs::exists(fs::path(dir) / "sweep.csv"));
  std::istringstream lines(slurp(jobs));
  std::string line;
  int n = 0;
  for (; std::getline(lines, line); ++n)
    CHECK(line.rfind(fs::canonical(kBin).string() + " run ", 0) == 0);
  CHECK(n == 4);
  r = sh("parallel --will-cite --jobs 2 < " + jobs);
  INFO(r.out);
  REQUIRE(r.code == 0);
  r = sh(kBin + " merge " + dir);
  REQUIRE(r.code == 0);
  CHECK(slurp(fs::path(dir) / "sweep.csv") == slurp(fs::path(local) / "sweep.csv"));
  fs::remove(jobs);
}

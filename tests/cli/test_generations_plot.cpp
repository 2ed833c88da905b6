// plot.py's kfree_rcu() generations figure from a sweep over reclaim.kfree_rcu.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/sim_run.hpp"

namespace fs = std::filesystem;
using namespace rcusim::test;

TEST_CASE("plot: a sweep over reclaim.kfree_rcu gives the generations figure") {
  const std::string dir = fresh_dir("gens");
  int code = -1;
  const std::string out =
      shell(std::string(RCUSIM_BINARY) +
                " sweep scenarios/smoke.toml --set reclaim.kfree_rcu=3.0,5.6,5.7"
                " --set memory.model=cache --jobs 2 --out " +
                dir + " && /usr/bin/python3 plot.py " + dir,
            &code);
  INFO(out);
  REQUIRE(code == 0);
  CHECK(out.find("wrote  generations-smoke.png") != std::string::npos);
  CHECK(fs::file_size(fs::path(dir) / "generations-smoke.png") > 1000);
  // One callback count: no cache-misses-against-callbacks figure for these runs.
  CHECK(out.find("skip   cache misses vs callback count") != std::string::npos);
}

TEST_CASE("plot: a replayed trace gives its traced-against-simulated figure") {
  const std::string dir = fresh_dir("replay-plot");
  int code = -1;
  const std::string out =
      shell(std::string(RCUSIM_BINARY) + " replay tests/data/ftrace/sample.txt --quiet --out " +
                dir + "/sample && /usr/bin/python3 plot.py " + dir,
            &code);
  INFO(out);
  REQUIRE(code == 0);
  const fs::path png = fs::path(dir) / "replay-sample.png";
  CHECK(out.find("wrote  replay-sample.png") != std::string::npos);
  REQUIRE(fs::exists(png));
  CHECK(fs::file_size(png) > 1000);
  CHECK(fs::exists(fs::path(dir) / "replay-sample.svg"));
}

// Guards on what users give rcusim: TOML text, output locations, host memory.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/engine/output_dir.hpp"
#include "sim/scenario/host_memory.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/toml_guard.hpp"
#include "tests/scenario_error.hpp"
#include "tests/sim_run.hpp"

namespace fs = std::filesystem;
using namespace rcusim;

TEST_CASE("guard: dotted keys are counted outside strings and comments, floats are not keys") {
  CHECK(toml_guard("a.b.c = 1.5\nx = [1.0, 2.0, 3.0]\n").empty());
  CHECK(toml_guard("s = \"a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a\"")
            .empty());
  CHECK(toml_guard("# a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a\n")
            .empty());
  std::string deep = "x = 1\n";
  for (int i = 0; i <= kMaxKeyDepth; ++i) deep += "a.";
  CHECK(toml_guard(deep + "b = 1\n") == "line 2: a dotted key deeper than 32 levels");
  CHECK(error_of(deep + "b = 1\n") == "s.toml:2: a dotted key deeper than 32 levels");
  CHECK_FALSE(toml_guard(std::string(kMaxScenarioBytes + 1, ' ')).empty());
}

TEST_CASE("scenario: names, overlapping workloads and heap size are checked up front") {
  CHECK(error_of("name = \"a/b\"\n").find("s.toml:1:8: name: \"a/b\" must not contain '/'") == 0);
  CHECK(error_of("name = \"..\"\n").find("name: \"..\" must not be") != std::string::npos);
  CHECK(error_of("name = \"\"\n").find("name: \"\" must not be empty") != std::string::npos);
  CHECK(error_of("[[workload]]\ncpus = \"0-1\"\n[[workload]]\ncpus = \"1\"\n")
            .find("workload[1].cpus: CPU 1 already runs workload[0]") != std::string::npos);
  CHECK(error_of("[heap]\nsize = \"1MiB\"\n[table]\nslots = 100000\n")
            .find("s.toml:2:8: heap.size:") == 0);
  CHECK(error_of("[objects]\nkfree_only = 9007199254740993\n")
            .find("objects.kfree_only: 9007199254740992 is out of range") != std::string::npos);
  CHECK(parse_scenario("workload = []\n", "s.toml", {"workload.0.read=2"}).workload.at(0).read ==
        2);
}

TEST_CASE("output: only new, empty or rcusim-written directories are accepted") {
  const fs::path d = test::fresh_dir("outdir");
  CHECK(output_refusal(d).empty());  // does not exist
  fs::create_directories(d);
  CHECK(output_refusal(d).empty());  // empty
  std::ofstream(d / "user.txt") << "x";
  CHECK(output_refusal(d).find("did not write") != std::string::npos);
  std::ofstream(d / kOutputMarker) << "";
  CHECK(output_refusal(d).empty());
  CHECK(output_refusal(d / "user.txt").find("not a directory") != std::string::npos);
  CHECK(normalize_output("results/x/") == fs::path("results/x"));
  CHECK_THROWS_AS(normalize_output("."), OutputError);
  CHECK_THROWS_AS(normalize_output("a/.."), OutputError);
  CHECK_THROWS_AS(normalize_output(""), OutputError);
}

TEST_CASE("output: a commit swaps the results in, an abandoned directory leaves no trace") {
  const fs::path d = test::fresh_dir("swap");
  {
    OutputDir out(d.string());
    std::ofstream(out.tmp() / "a") << "1";
    out.commit();
  }
  CHECK(fs::exists(d / "a"));
  CHECK(fs::exists(d / kOutputMarker));
  {
    OutputDir out(d.string());
    std::ofstream(out.tmp() / "b") << "2";
    CHECK(fs::exists(out.tmp()));
  }  // never committed: the old results stay, the temporary directory goes
  CHECK(fs::exists(d / "a"));
  CHECK_FALSE(fs::exists(d / "b"));
  CHECK(fs::is_empty(d.parent_path()) == false);
  for (const auto& e : fs::directory_iterator(d.parent_path()))
    CHECK(e.path().filename().string().find(d.filename().string() + ".tmp-") == std::string::npos);
  {
    OutputDir out(d.string());
    std::ofstream(out.tmp() / "c") << "3";
    out.commit();
  }
  CHECK(fs::exists(d / "c"));
  CHECK_FALSE(fs::exists(d / "a"));
}

TEST_CASE("memory: every committed scenario fits a small host, huge caches do not") {
  for (const char* f :
       {"smoke", "bench_64cpu", "scale", "kernel_2_6_27_mix", "barrier_cost",
        "cache_distinct_callbacks", "future_trivial_fraction", "trivial_vs_kfree_rcu"}) {
    CAPTURE(f);
    const Config c = load_scenario(std::string(RCUSIM_SOURCE_DIR) + "/scenarios/" + f + ".toml");
    const MemoryNeed n = estimate_memory(c, 8 << 20);
    CHECK(n.resident() < (2ull << 30));
    CHECK(memory_refusal(n, MemoryLimit{4ull << 30, "test", 64ull << 30}).empty());
  }
  const Config big = parse_scenario(
      "[machine]\ncpus = 64\n[memory]\nmodel = \"cache\"\n[cache.l2]\nsize = \"16GiB\"\n",
      "s.toml");
  const std::string why =
      memory_refusal(estimate_memory(big, 8 << 20), MemoryLimit{16ull << 30, "test", ~0ull});
  CHECK(why.find("cache tag arrays (machine.cpus x cache.l1i/l1d/l2.size") != std::string::npos);
  const Config many = parse_scenario("[machine]\ncpus = 4096\n", "s.toml");
  CHECK(
      memory_refusal(estimate_memory(many, 8 << 20), MemoryLimit{16ull << 30, "test", 16ull << 30})
          .find("RLIMIT_AS") != std::string::npos);
}

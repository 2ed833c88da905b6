// Heap BUGs reach the run's outcome: a module whose RCU callback double-frees, frees a pointer
// inside its object, frees into the wrong kmem_cache or writes to its object after freeing it
// ends the run with outcome `bug` and a kernel-style report naming the cache, the address, the
// CPU and the time; the same module with a correct callback is `ok`.
#include <doctest/doctest.h>

#include <string>

#include "tests/sim_run.hpp"

using namespace rcusim::test;

namespace {

// CPU 1 queues one callback of `kind`; after it ran, a second object of the same size is
// allocated (a write after free shows when its poisoned slot is handed out again).
Run run_module_callback(const std::string& kind) {
  const std::string text = R"(
name = "heap_bug"
expect = "any"
duration = "10ms"
workload = []
[machine]
cpus = 2
[[module]]
name = "buggy"
callbacks = [ { name = "buggy_release_rcu", kind = ")" +
                           kind + R"(", struct_size = "64B" } ]
[[script]]
cpu = 1
actions = [
  { at = "1ms", do = "call_rcu", callback = "buggy_release_rcu", label = "a" },
  { do = "wait", until = "invoked:a" },
  { do = "call_rcu", callback = "buggy_release_rcu", label = "b" },
]
)";
  return run_cli("run " + write_scenario("heap-bug", kind + ".toml", text));
}

void check_bug(const std::string& kind, const std::string& says, const std::string& cache) {
  INFO("callback kind " << kind);
  const Run r = run_module_callback(kind);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  CHECK(s["outcome"] == "bug");
  REQUIRE(!s["failures"].empty());
  const auto& f = s["failures"][0];
  CHECK(f["kind"] == "bug");
  CHECK(f["cpu"] == 1);
  const std::string m = f["message"];
  INFO("message: " << m);
  CHECK(m.rfind("BUG ", 0) == 0);
  CHECK(m.find(says) != std::string::npos);
  CHECK(m.find(cache) != std::string::npos);
  CHECK(m.find(" 0x") != std::string::npos);
  CHECK(m.find("CPU: 1 at ") != std::string::npos);
}

}  // namespace

TEST_CASE("heap bugs: a correct callback is ok") {
  const Run r = run_module_callback("trivial_kfree");
  REQUIRE(r.exit_code == 0);
  CHECK(r.summary()["outcome"] == "ok");
}

TEST_CASE("heap bugs: double free") {
  check_bug("double_free", "Object already free", "kmalloc-64");
}

TEST_CASE("heap bugs: invalid free of a pointer inside the object") {
  check_bug("invalid_free", "Invalid object pointer", "kmalloc-64");
}

TEST_CASE("heap bugs: free into the wrong kmem_cache") {
  check_bug("wrong_cache_free", "Wrong slab cache", "buggy_release_rcu_cache");
}

TEST_CASE("heap bugs: a write after free is found when the object is allocated again") {
  check_bug("write_after_free", "Poison overwritten", "kmalloc-64");
}

TEST_CASE("heap bugs: a run that expects ok exits 1 on a BUG") {
  const std::string path = write_scenario("heap-bug-expect", "df.toml", R"(
name = "df"
expect = "ok"
duration = "5ms"
workload = []
[[module]]
name = "buggy"
callbacks = [ { name = "release", kind = "double_free", struct_size = "64B" } ]
[[script]]
cpu = 0
actions = [ { at = "1ms", do = "call_rcu", callback = "release" } ]
)");
  CHECK(run_cli("run " + path).exit_code == 1);
}

TEST_CASE("heap bugs: running out of the simulated heap is a limit, not a kernel bug") {
  const std::string path = write_scenario("heap-limit", "oom.toml", R"(
name = "oom"
duration = "5ms"
workload = []
[heap]
size = "8MiB"
[[script]]
cpu = 0
actions = [ { at = "1ms", do = "kfree_rcu", count = 100000, size = "512B" } ]
)");
  int code = -1;
  const std::string out = shell(
      std::string(RCUSIM_BINARY) + " run " + path + " --quiet --out " + fresh_dir("oom"), &code);
  CHECK(code == 0);
  CHECK(out.find("raise heap.size") != std::string::npos);
  const Run r = run_cli("run " + path, "oom-summary");
  const auto s = r.summary();
  CHECK(s["outcome"] == "limit");
  CHECK(s["failures"][0]["kind"] == "heap_exhausted");
}

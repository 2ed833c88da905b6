// The RFC's cache claim, measured on the cache hierarchy: as distinct trivial callbacks grow, the
// trivial path's I-cache misses per object rise while kfree_rcu()'s stay flat.
#include <doctest/doctest.h>

#include "tests/sim_run.hpp"

using namespace rcusim::test;

namespace {
double l1i(const nlohmann::json& s, const char* path) {
  return s["metrics"]["paths"][path]["cache_misses_per_object"]["L1I"].get<double>();
}
double cycles(const nlohmann::json& s, const char* path) {
  return s["metrics"]["paths"][path]["cycles_per_object"].get<double>();
}
}  // namespace

TEST_CASE("cache claim: kfree_rcu I-cache misses stay flat while the trivial path's rise") {
  nlohmann::json s[2];
  const int types[2] = {1, 1024};
  for (int i = 0; i < 2; ++i) {
    const Run r = run_cli(
        "run scenarios/cache_distinct_callbacks.toml --set duration=\\\"5ms\\\""
        " --set objects.types=" +
            std::to_string(types[i]),
        "claim");
    REQUIRE(r.exit_code == 0);
    s[i] = r.summary();
    REQUIRE(s[i]["metrics"]["paths"]["kfree_rcu"]["reclaimed"].get<int>() > 500);
    REQUIRE(s[i]["metrics"]["paths"]["trivial_kfree"]["reclaimed"].get<int>() > 500);
  }
  // One callback stays hot; 1024 callbacks (96 bytes each, two lines) miss on almost every call.
  CHECK(l1i(s[0], "trivial_kfree") < 0.1);
  CHECK(l1i(s[1], "trivial_kfree") > 1.5);
  CHECK(l1i(s[0], "kfree_rcu") < 0.05);
  CHECK(l1i(s[1], "kfree_rcu") < 0.05);
  // The misses are the callbacks' own text.
  CHECK(s[1]["metrics"]["paths"]["trivial_kfree"]["cache_misses_by_class_per_object"]
         ["callback_text"]["L1I"]
             .get<double>() > 1.5);
  // And they cost cycles on the trivial path only.
  CHECK(cycles(s[1], "trivial_kfree") - cycles(s[0], "trivial_kfree") > 50);
  CHECK(cycles(s[1], "kfree_rcu") - cycles(s[0], "kfree_rcu") < 20);
}

TEST_CASE("cache claim: only the trivial path makes indirect calls and both pay coherence") {
  const Run r = run_cli("run scenarios/smoke.toml --set 'memory.model=\"cache\"'", "indirect");
  REQUIRE(r.exit_code == 0);
  const auto s = r.summary();
  const auto& p = s["metrics"]["paths"];
  // __rcu_reclaim() calls through the func word only when it is not an offset.
  CHECK(s["metrics"]["cache"]["indirect_calls"] == p["trivial_kfree"]["reclaimed"]);
  // Objects written by their updater and read on other CPUs miss on coherence when freed.
  CHECK(p["kfree_rcu"]["coherence_misses_per_object"].get<double>() > 0.05);
  CHECK(p["trivial_kfree"]["coherence_misses_per_object"].get<double>() > 0.05);
  for (const auto& c : s["metrics"]["cpus"]) CHECK(c["cache_misses"]["l1d"].get<int>() > 0);
}

TEST_CASE("cache claim: reader code footprint competes for the I-cache") {
  std::uint64_t l1i[2];
  const char* footprint[2] = {"256B", "64KiB"};
  for (int i = 0; i < 2; ++i) {
    const Run r = run_cli(std::string("run scenarios/smoke.toml --set 'memory.model=\"cache\"'"
                                      " --set workload.0.code_footprint=") +
                              footprint[i],
                          "footprint");
    REQUIRE(r.exit_code == 0);
    l1i[i] = r.summary()["metrics"]["cache"]["l1i"]["misses"].get<std::uint64_t>();
  }
  CHECK(l1i[1] > 10 * l1i[0]);  // 64 KiB of reader text cannot stay in a 32 KiB L1I
}

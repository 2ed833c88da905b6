// rcuscale's kfree_rcu() test (scenarios/rcuscale_kfree.toml) against its published result
// (e6e78b004fa7, 16 CPUs): 9133 grace periods in 11.5 s without batching, 1732 in 12.5 s with
// 5.6's batching, 794 and 139 per second, a ratio of 5.7. The simulated figures must land within
// a factor of two, and at two scales of kfree_loops the same.
#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "tests/sim_run.hpp"

using namespace rcusim::test;

namespace {

struct Rate {
  double gps_per_s;
  std::int64_t batches;
};

Rate rcuscale(const std::string& gen, int loops) {
  const Run r = run_cli("run scenarios/rcuscale_kfree.toml --set reclaim.kfree_rcu=" + gen +
                            " --set rcuscale.kfree_loops=" + std::to_string(loops),
                        "rcuscale-" + gen);
  REQUIRE(r.exit_code == 0);
  const auto m = r.summary()["metrics"]["rcuscale"];
  const std::string line = m["line"];
  CHECK(std::regex_match(
      line, std::regex("Total time taken by all kfree'ers: [0-9]+ ns, loops: " +
                       std::to_string(loops) + ", batches: [0-9]+, memory footprint: [0-9]+MB")));
  const auto batches = m["batches"].get<std::int64_t>();
  return {static_cast<double>(batches) * 1e9 / m["total_time_ns"].get<double>(), batches};
}

}  // namespace

TEST_CASE("rcuscale kfree: grace periods per second without and with batching, at two scales") {
  // On Tree RCU, as published; 1/80 and 1/40 of the published loops.
  const Rate once_small = rcuscale("3.0", 250), once_large = rcuscale("3.0", 500);
  const Rate batch_small = rcuscale("5.6", 250), batch_large = rcuscale("5.6", 500);
  for (const Rate* unbatched : {&once_small, &once_large}) {
    CHECK(unbatched->gps_per_s > 794.0 / 2);
    CHECK(unbatched->gps_per_s < 794.0 * 2);
  }
  for (const Rate* batched : {&batch_small, &batch_large}) {
    CHECK(batched->batches >= 5);  // several drain intervals
    CHECK(batched->gps_per_s > 139.0 / 2);
    CHECK(batched->gps_per_s < 139.0 * 2);
  }
  const double small = once_small.gps_per_s / batch_small.gps_per_s;
  const double large = once_large.gps_per_s / batch_large.gps_per_s;
  CAPTURE(small);
  CAPTURE(large);
  CHECK(small > 5.7 / 2);
  CHECK(small < 5.7 * 2);
  CHECK(large / small > 0.85);  // the ratio does not depend on the scale
  CHECK(large / small < 1.15);
}

// `expect`: one outcome, or outcomes under conditions on the resolved scenario.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sim/scenario/scenario.hpp"
#include "tests/scenario_error.hpp"

using namespace rcusim;

namespace {
const char* kTable =
    "expect = { default = \"ok\", \"reclaim.kfree_rcu=5.6,5.7,6.1,6.3\" = \"bug\" }\n";

std::string outcome(const std::string& text, std::vector<std::string> sets = {}) {
  return expected_outcome(parse_scenario(text, "s.toml", sets));
}
}  // namespace

TEST_CASE("expect: a plain outcome, and any by default") {
  CHECK(outcome("") == "any");
  CHECK(outcome("expect = \"oops\"\n") == "oops");
  CHECK(to_json(parse_scenario("expect = \"oops\"\n", "s.toml"))["expect"] == "oops");
  CHECK(outcome("", {"expect=\"bug\""}) == "bug");
}

TEST_CASE("expect: a condition holds for any of its values, else the default applies") {
  CHECK(outcome(kTable) == "ok");  // rfc-2008
  for (const char* g : {"5.6", "5.7", "6.1", "6.3"})
    CHECK(outcome(kTable, {std::string("reclaim.kfree_rcu=") + g}) == "bug");
  CHECK(outcome(kTable, {"reclaim.kfree_rcu=6.12"}) == "ok");
  CHECK(outcome(kTable, {"reclaim.kfree_rcu=\"3.0\""}) == "ok");
  // Without a default, no condition holding means any.
  CHECK(outcome("expect = { \"machine.cpus=8\" = \"oops\" }\n") == "any");
  CHECK(outcome("expect = { \"machine.cpus=8\" = \"oops\" }\n", {"machine.cpus=8"}) == "oops");
}

TEST_CASE("expect: a bare flavour name is the condition rcu.flavor=<name>") {
  const char* t = "expect = { classic = \"oops\", busted = \"ok\" }\n";
  CHECK(outcome(t) == "oops");
  CHECK(outcome(t, {"rcu.flavor=busted"}) == "ok");
  // Flavour and another key: they must agree when both hold.
  const char* both = "expect = { classic = \"oops\", \"machine.cpus=2\" = \"ok\" }\n";
  CHECK(outcome(both, {"machine.cpus=4"}) == "oops");
  CHECK(error_of(both, {"machine.cpus=2"}).find("both hold and disagree") != std::string::npos);
}

TEST_CASE("expect: keys inside arrays of tables, and the table in the resolved scenario") {
  const char* t = "expect = { \"workload.0.cpus=all\" = \"ok\", default = \"bug\" }\n";
  CHECK(outcome(t) == "ok");
  CHECK(outcome(t, {"workload.0.cpus=\"0\""}) == "bug");
  const auto j = to_json(parse_scenario(kTable, "s.toml"));
  CHECK(j["expect"]["default"] == "ok");
  CHECK(j["expect"]["reclaim.kfree_rcu=5.6,5.7,6.1,6.3"] == "bug");
}

TEST_CASE("expect: bad tables name file, line and key") {
  CHECK(error_of("expect = { default = \"fine\" }\n")
            .find("s.toml:1:22: expect.default: \"fine\" is not one of") == 0);
  CHECK(error_of("expect = { spruce = \"ok\" }\n")
            .find("expect.spruce: not \"default\", a condition") != std::string::npos);
  CHECK(error_of("expect = { \"machine.cpu=4\" = \"ok\" }\n")
            .find("s.toml:1:10: expect: \"machine.cpu=4\": machine.cpu is not a scenario key") ==
        0);
  CHECK(error_of("expect = {}\n").find("expect: expected an outcome, or a table") !=
        std::string::npos);
  CHECK(error_of("expect = 3\n").find("expect: expected an outcome, or a table") !=
        std::string::npos);
  CHECK(error_of("expect = { \"=x\" = \"ok\" }\n").find("a condition is") != std::string::npos);
}

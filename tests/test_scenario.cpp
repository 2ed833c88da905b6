// Scenario files: every bad input names file, line, column and key.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/scenario/expect.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/scenario_error.hpp"

using namespace rcusim;

TEST_CASE("scenario: defaults when empty and a resolved round trip") {
  const Config c = parse_scenario("", "s.toml");
  CHECK(c.machine.cpus == 4);
  CHECK(c.rcu.blimit == 10);
  CHECK(c.rcu.qhimark == 10000);
  CHECK(c.rcu.qlowmark == 100);
  CHECK(c.workload.size() == 1);
  const auto j = to_json(c);
  CHECK(j["duration"] == "10ms");
  CHECK(j["machine"]["freq"] == "3GHz");
}

TEST_CASE("scenario: units") {
  const Config c = parse_scenario(R"(duration = "2.5ms"
[heap]
size = "64MiB"
[machine]
freq = "2400MHz"
[[workload]]
read_duration = { dist = "uniform", min = "1us", max = "3us" }
)",
                                  "s.toml");
  CHECK(c.duration.ns == 2'500'000);
  CHECK(c.heap.size.bytes == 64ull << 20);
  CHECK(c.machine.freq.hz == 2'400'000'000ull);
  CHECK(c.workload[0].read_duration.d == Dist::uniform(1000, 3000));
}

TEST_CASE("scenario: unknown key") {
  CHECK(error_of("[rcu]\nblimt = 5\n") == "s.toml:2:1: rcu.blimt: unknown key");
}

TEST_CASE("scenario: wrong type") {
  CHECK(error_of("[rcu]\nblimit = \"ten\"\n") ==
        "s.toml:2:10: rcu.blimit: expected an integer, got a string");
}

TEST_CASE("scenario: out of range") {
  CHECK(error_of("[machine]\ncpus = 0\n").rfind("s.toml:2:8: machine.cpus: 0 is out of range", 0) ==
        0);
}

TEST_CASE("scenario: duration without a unit") {
  const auto e = error_of("duration = 5\n");
  CHECK(e.rfind("s.toml:1:12: duration: expected a string with a unit", 0) == 0);
  CHECK(error_of("duration = \"5 parsecs\"\n").find("duration: ") != std::string::npos);
  CHECK(error_of("duration = \"5min\"\n").find("needs a unit: one of ns, us, ms, s") !=
        std::string::npos);
}

TEST_CASE("scenario: syntax error") { CHECK(error_of("[rcu\n").rfind("s.toml:1:", 0) == 0); }

TEST_CASE("scenario: bad choice and bad CPU list") {
  CHECK(error_of("[rcu]\nflavor = \"trie\"\n").find("rcu.flavor: \"trie\" is not one of") !=
        std::string::npos);
  CHECK(error_of("[[workload]]\ncpus = \"0-9\"\n").find("workload[0].cpus: CPU range") !=
        std::string::npos);
}

TEST_CASE("scenario: --set overrides and their errors") {
  const Config c =
      parse_scenario("", "s.toml", {"machine.cpus=8", "rcu.flavor=busted", "workload.0.read=0"});
  CHECK(c.machine.cpus == 8);
  CHECK(c.rcu.flavor == "busted");
  CHECK(error_of("", {"rcu.blimit=abc"}).find("rcu.blimit: expected an integer") !=
        std::string::npos);
  CHECK(error_of("", {"nonsense"}).find("--set") != std::string::npos);
}

TEST_CASE("scenario: parse_cpu_list") {
  CHECK(parse_cpu_list("0-2,5", 8) == std::vector<int>{0, 1, 2, 5});
  CHECK(parse_cpu_list("all", 3) == std::vector<int>{0, 1, 2});
  CHECK_THROWS_AS(parse_cpu_list("3-1", 8), std::invalid_argument);
  CHECK_THROWS_AS(parse_cpu_list("x", 8), std::invalid_argument);
}

TEST_CASE("scenario: every key is in the reference") {
  const std::string ref = key_reference();
  for (const char* k : {"`machine.cpus`", "`rcu.blimit`", "`reclaim.kfree_rcu`",
                        "`objects.kfree_rcu`", "`[[workload]].read_duration`", "`output.events`"})
    CHECK(ref.find(k) != std::string::npos);
}

TEST_CASE("scenario: the README's key table is the code's") {
  std::ifstream in(std::string(RCUSIM_SOURCE_DIR) + "/README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  const auto b = readme.find("<!-- keys:begin -->\n"), e = readme.find("<!-- keys:end -->");
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  const std::string table = readme.substr(b + 20, e - b - 20);
  CHECK(table == key_reference());
}

TEST_CASE("scenario: expect is one outcome or one per flavour") {
  const Config one = parse_scenario("expect = \"oops\"\n", "s.toml");
  CHECK(expected_outcome(one) == "oops");
  CHECK(to_json(one)["expect"] == "oops");
  const std::string per = "expect = { classic = \"oops\", busted = \"bug\" }\n";
  CHECK(expected_outcome(parse_scenario(per, "s.toml")) == "oops");
  CHECK(expected_outcome(parse_scenario(per, "s.toml", {"rcu.flavor=busted"})) == "bug");
  // a flavour not named expects anything
  CHECK(expected_outcome(parse_scenario(per, "s.toml", {"rcu.flavor=tree"})) == "any");
  CHECK(to_json(parse_scenario(per, "s.toml"))["expect"] ==
        nlohmann::json{{"busted", "bug"}, {"classic", "oops"}});
  CHECK(error_of("expect = { clasic = \"ok\" }\n").find("s.toml:1:12: expect.clasic: not ") == 0);
  CHECK(error_of("expect = { classic = \"maybe\" }\n") ==
        "s.toml:1:22: expect.classic: \"maybe\" is not one of \"any\", \"ok\", \"oops\", \"bug\", "
        "\"limit\"");
  CHECK(error_of("expect = 3\n").find("s.toml:1:10: expect: expected an outcome, or a table") == 0);
}

TEST_CASE("scenario: Tree RCU's unmodelled parts are refused") {
  CHECK(error_of("[rcu]\npreempt = true\n") ==
        "s.toml:2:11: rcu.preempt: preemptible RCU (CONFIG_PREEMPT_RCU) is not modelled by "
        "rcusim; remove the key or set it false");
  for (const char* k : {"nocb", "lazy", "expedited"}) {
    CAPTURE(k);
    CHECK(error_of(std::string("[rcu]\n") + k + " = true\n").find("is not modelled") !=
          std::string::npos);
    CHECK(error_of(std::string("[rcu]\n") + k + " = false\n").empty());
  }
  CHECK(error_of("[rcu]\ngp_kthread_cpu = 4\n") ==
        "s.toml:2:18: rcu.gp_kthread_cpu: CPU 4 does not exist (machine.cpus = 4)");
}

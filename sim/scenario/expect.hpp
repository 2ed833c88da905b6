// The scenario key `expect`: the outcome a run must end with. Either one outcome
// (`expect = "oops"`), or a table of outcomes under conditions on the resolved scenario:
//   expect = { default = "ok", "reclaim.kfree_rcu=5.6,5.7,6.1,6.3" = "bug" }
// A condition is "key.path=value" (values separated by commas; the key as --set names it); a
// bare RCU flavour name ("classic") is the condition "rcu.flavor=classic". With no condition
// holding, `default` applies, or "any" without one. Conditions that hold must agree.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace rcusim {

struct Config;

struct Expect {
  struct Rule {
    std::string text;                 // as written, for JSON and messages
    std::string key;                  // empty for `default`
    std::vector<std::string> values;  // any of them
    std::string outcome;
  };
  std::string outcome = "any";  // the plain form
  std::vector<Rule> rules;      // the table form, in the file's order

  Expect() = default;
  Expect(const char* o) : outcome(o) {}  // NOLINT: a plain outcome converts
  bool is_table() const { return !rules.empty(); }
  // A table entry `text = outcome`: parses the condition, or returns why it is not one.
  static std::string parse_rule(const std::string& text, const std::string& outcome, Rule& out);
};

// The resolved scenario shows what the file said: a string, or the table.
void to_json(nlohmann::json& j, const Expect& e);

// The outcome `c` expects once its keys are resolved. Throws std::invalid_argument naming the
// rule when a condition names no scenario key or two conditions that hold disagree.
std::string expected_outcome(const Config& c);

}  // namespace rcusim

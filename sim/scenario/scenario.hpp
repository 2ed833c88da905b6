// Scenario files: TOML in, a validated Config out, or a ScenarioError naming file, line, column
// and key. Also the resolved scenario as JSON and the key reference for the README.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/config.hpp"

namespace rcusim {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;  // what() is "file:line:column: key: message"
};

// `overrides` are "key.path=value" strings from --set; a value is read as TOML when it parses
// as such and as a string otherwise.
Config load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});
Config parse_scenario(const std::string& text, const std::string& source_name,
                      const std::vector<std::string>& overrides = {});

nlohmann::json to_json(const Config& cfg);
// Markdown table of every key with its default and meaning.
std::string key_reference();

// "all" or "0-3,6" -> CPU ids; throws std::invalid_argument on bad syntax or out of range.
std::vector<int> parse_cpu_list(const std::string& s, int ncpus);

}  // namespace rcusim

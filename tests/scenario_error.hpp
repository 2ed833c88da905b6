// The message parse_scenario() refuses a scenario text with, or "" when it accepts it.
#pragma once
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

inline std::string error_of(const std::string& text, std::vector<std::string> sets = {}) {
  try {
    rcusim::parse_scenario(text, "s.toml", sets);
  } catch (const rcusim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

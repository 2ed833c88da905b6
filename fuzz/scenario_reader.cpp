// The scenario reader on arbitrary input: the text up to the first NUL byte is a scenario file,
// each further NUL-separated part one --set override. Bad input must end in a ScenarioError
// (exit 2 in the tool); any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t nul; (nul = in.find('\0', start)) != std::string::npos; start = nul + 1)
    parts.push_back(in.substr(start, nul - start));
  parts.push_back(in.substr(start));
  const std::vector<std::string> sets(parts.begin() + 1, parts.end());
  try {
    rcusim::parse_scenario(parts[0], "fuzz.toml", sets);
  } catch (const rcusim::ScenarioError&) {}
  return 0;
}

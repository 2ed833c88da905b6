// The scenario key `expect`: the outcome a run must end with, either one for every RCU flavour
// (`expect = "oops"`) or one per flavour (`expect = { classic = "oops", tree = "ok" }`; a flavour
// not named expects "any"). Its TOML reading is in toml_reader.hpp, its JSON here.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rcusim {

struct Expect {
  std::string outcome = "any";                                  // when not per flavour
  std::vector<std::pair<std::string, std::string>> by_flavor;  // in file order, when per flavour

  Expect() = default;
  Expect(const char* o) : outcome(o) {}  // NOLINT: a plain outcome converts
  bool per_flavor() const { return !by_flavor.empty(); }
  std::string for_flavor(std::string_view flavor) const {
    if (!per_flavor()) return outcome;
    for (const auto& [f, o] : by_flavor)
      if (f == flavor) return o;
    return "any";
  }
  bool operator==(const Expect&) const = default;
};

// The resolved scenario shows what the file said: a string, or a table by flavour.
inline void to_json(nlohmann::json& j, const Expect& e) {
  if (!e.per_flavor()) {
    j = e.outcome;
    return;
  }
  j = nlohmann::json::object();
  for (const auto& [f, o] : e.by_flavor) j[f] = o;
}

}  // namespace rcusim

// Parsing and printing of quantities with units: "2ms", "32KiB", "3GHz".
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rcusim::quantity {

// Each returns nullopt with `why` set when the text is not a valid quantity.
std::optional<std::int64_t> parse_time_ns(std::string_view s, std::string& why);
std::optional<std::uint64_t> parse_bytes(std::string_view s, std::string& why);
std::optional<std::uint64_t> parse_hz(std::string_view s, std::string& why);

std::string format_time_ns(std::int64_t ns);    // "2ms", "1500ns"
std::string format_bytes(std::uint64_t bytes);  // "32KiB", "100B"
std::string format_hz(std::uint64_t hz);        // "3GHz"

}  // namespace rcusim::quantity

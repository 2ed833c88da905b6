// The Lackey trace parser (`rcusim cachesim`) on arbitrary input, fed in two chunks split where
// the first byte says, so records across a chunk boundary are covered. Malformed records must
// end in a LackeyError; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "models/cache/lackey.hpp"

namespace {
volatile std::uint64_t sink;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t cut = text.empty() ? 0 : data[0] % (text.size() + 1);
  rcusim::LackeyParser p;
  std::uint64_t bytes = 0;
  const auto on_record = [&](const rcusim::LackeyRecord& r) { bytes += r.size; };
  try {
    p.feed(text.substr(0, cut), on_record);
    p.feed(text.substr(cut), on_record);
    p.finish(on_record);
  } catch (const rcusim::LackeyError&) {}
  sink = bytes;  // keeps the records from being optimised out
  return 0;
}

#include "sim/cli/host_limits.hpp"

#include <sys/resource.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <fstream>
#include <sstream>

#include "sim/base/quantity.hpp"
#include "sim/scenario/scenario.hpp"

namespace rcusim {
namespace {

constexpr std::uint64_t kUnlimited = ~std::uint64_t{0};

std::uint64_t mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kib = 0;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kib << 10;
  }
  return kUnlimited;
}

// cgroup v2: memory.max less memory.current of this process's group, when it has a limit.
std::uint64_t cgroup_headroom() {
  std::ifstream self("/proc/self/cgroup");
  std::string line, path;
  while (std::getline(self, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  if (path.empty()) return kUnlimited;
  const std::string dir = "/sys/fs/cgroup" + path;
  std::ifstream maxf(dir + "/memory.max"), curf(dir + "/memory.current");
  std::string max;
  std::uint64_t cur = 0, limit = 0;
  if (!(maxf >> max) || max == "max" || !(curf >> cur)) return kUnlimited;
  std::istringstream(max) >> limit;
  return limit > cur ? limit - cur : 0;
}

}  // namespace

MemoryLimit host_memory_limit(std::optional<std::uint64_t> override_bytes) {
  MemoryLimit l;
  rlimit as{};
  l.address_space = getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY
                        ? static_cast<std::uint64_t>(as.rlim_cur)
                        : kUnlimited;
  if (override_bytes) {
    l.resident = *override_bytes;
    l.resident_source = "--memory-limit";
    return l;
  }
  l.resident = mem_available();
  l.resident_source = "MemAvailable in /proc/meminfo";
  if (const std::uint64_t cg = cgroup_headroom(); cg < l.resident) {
    l.resident = cg;
    l.resident_source = "this cgroup's memory.max headroom";
  }
  if (l.address_space < l.resident) {
    l.resident = l.address_space;
    l.resident_source = "RLIMIT_AS (ulimit -v)";
  }
  return l;
}

CLI::Option* add_memory_limit_option(CLI::App& cmd, std::optional<std::uint64_t>& into) {
  return cmd
      .add_option_function<std::string>(
          "--memory-limit",
          [&into](const std::string& v) {
            std::string why;
            const auto b = quantity::parse_bytes(v, why);
            if (!b || *b == 0)
              throw CLI::ValidationError("--memory-limit",
                                         fmt::format("'{}': {}", v, b ? "must be above 0" : why));
            into = *b;
          },
          "host memory a run may use, e.g. 64GiB (default: MemAvailable, or ulimit -v if lower)")
      ->type_name("SIZE");
}

void check_memory(const std::string& scenario, const MemoryNeed& need,
                  std::optional<std::uint64_t> override_bytes) {
  if (const std::string why = memory_refusal(need, host_memory_limit(override_bytes)); !why.empty())
    throw ScenarioError(fmt::format("{}: {}", scenario, why));
}

}  // namespace rcusim

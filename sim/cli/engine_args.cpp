#include "sim/cli/engine_args.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>
#include <stdexcept>

namespace rcusim {
namespace {

EngineArgs g_args;

// Below this the CPU actors' own frames overflow the stack (SimGrid then crashes, 1 KiB did).
constexpr std::int64_t kMinStackKiB = 64, kMaxStackKiB = 1 << 20;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::int64_t integer(const std::string& arg, const std::string& v, std::int64_t lo,
                     std::int64_t hi) {
  std::int64_t n = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi)
    throw std::invalid_argument(fmt::format("{}: expected a whole number in {}..{}", arg, lo, hi));
  return n;
}

bool one_of(const std::string& v, std::initializer_list<const char*> list) {
  return std::any_of(list.begin(), list.end(), [&](const char* c) { return v == c; });
}

// The SimGrid settings that make sense for rcusim (one host per CPU, actors run one at a time:
// parallel actors, network models and tracing do not apply). SimGrid aborts on bad values of
// several of them, so each is checked here.
void check_cfg(const std::string& arg, const std::string& kv, EngineArgs& into) {
  const auto colon = kv.find(':');
  const std::string key = kv.substr(0, colon),
                    value = colon == std::string::npos ? "" : kv.substr(colon + 1);
  if (colon == std::string::npos || value.empty())
    throw std::invalid_argument(fmt::format("{}: expected --cfg=KEY:VALUE", arg));
  if (key == "contexts/factory") {
    if (!one_of(value, {"thread", "ucontext", "raw", "boost"}))
      throw std::invalid_argument(
          fmt::format("{}: the context factory is one of thread, ucontext, raw, boost", arg));
  } else if (key == "contexts/stack-size") {
    into.stack_bytes = static_cast<std::uint64_t>(integer(arg, value, kMinStackKiB, kMaxStackKiB))
                       << 10;
  } else if (key == "contexts/guard-size") {
    integer(arg, value, 0, 1024);
  } else if (key == "debug/verbose-exit") {
    if (!one_of(lower(value), {"0", "1", "yes", "no", "on", "off", "true", "false"}))
      throw std::invalid_argument(fmt::format("{}: expected yes or no", arg));
  } else {
    throw std::invalid_argument(fmt::format(
        "{}: rcusim passes these SimGrid settings: contexts/factory, contexts/stack-size (KiB), "
        "contexts/guard-size (pages), debug/verbose-exit",
        arg));
  }
}

// "CATEGORY.thres:PRIORITY" or "CATEGORY.add:yes", space-separated, or "no_loc".
void check_log(const std::string& arg, const std::string& text) {
  std::istringstream in(text);
  std::string item;
  bool any = false;
  while (in >> item) {
    any = true;
    if (item == "no_loc") continue;
    const auto colon = item.find(':');
    const auto dot = item.rfind('.', colon);
    const std::string cat = dot == std::string::npos ? "" : item.substr(0, dot);
    const std::string setting =
        dot == std::string::npos ? "" : item.substr(dot + 1, colon - dot - 1);
    const std::string value = colon == std::string::npos ? "" : lower(item.substr(colon + 1));
    const bool cat_ok = !cat.empty() && std::all_of(cat.begin(), cat.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    bool ok = cat_ok && colon != std::string::npos;
    if (ok && one_of(setting, {"thres", "threshold"}))
      ok = one_of(value, {"trace", "debug", "verbose", "info", "warning", "error", "critical"});
    else if (ok && one_of(setting, {"add", "additivity"}))
      ok = one_of(value, {"0", "1", "yes", "no", "on", "off", "true", "false"});
    else
      ok = false;
    if (!ok)
      throw std::invalid_argument(fmt::format(
          "{}: expected CATEGORY.thres:PRIORITY (trace, debug, verbose, info, warning, error, "
          "critical), CATEGORY.add:yes|no or no_loc, got '{}'",
          arg, item));
  }
  if (!any) throw std::invalid_argument(fmt::format("{}: empty log setting", arg));
}

}  // namespace

void check_engine_arg(const std::string& arg, EngineArgs& into) {
  if (arg.rfind("--cfg=", 0) == 0)
    check_cfg(arg, arg.substr(6), into);
  else
    check_log(arg, arg.substr(6));
  into.args.push_back(arg);
}

std::vector<char*> take_engine_args(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (i > 0 && (a.rfind("--cfg=", 0) == 0 || a.rfind("--log=", 0) == 0))
      check_engine_arg(a, g_args);
    else
      rest.push_back(argv[i]);
  }
  return rest;
}

const EngineArgs& engine_args() { return g_args; }

std::vector<std::string> engine_args_for_run() {
  std::vector<std::string> v = g_args.args;
#ifdef __SANITIZE_ADDRESS__
  const bool chosen = std::any_of(v.begin(), v.end(), [](const std::string& a) {
    return a.rfind("--cfg=contexts/factory:", 0) == 0;
  });
  if (!chosen)
    v.insert(v.begin(), {"--log=xbt_cfg.thres:warning", "--cfg=contexts/factory:thread"});
#endif
  return v;
}

}  // namespace rcusim

#include "sim/cli/cachesim.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "sim/cli/host_limits.hpp"
#include "sim/scenario/host_memory.hpp"

namespace rcusim {

namespace {

constexpr int kUsageExit = 2;

std::string geometry_text(const LevelConfig& l) {
  return fmt::format("{},{},{}", l.size, l.assoc, l.line);
}

template <class T>
bool parse_field(std::string_view& text, T& out, bool last) {
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc{} || (last ? p != end : (p == end || *p != ','))) return false;
  text.remove_prefix(static_cast<std::size_t>(p - text.data()) + (last ? 0 : 1));
  return true;
}

[[noreturn]] void fail(const std::string& file, const std::string& reason) {
  fmt::print(stderr, "rcusim cachesim: {}: {}\n", file, reason);
  std::exit(kUsageExit);
}

struct Options {
  std::string trace = "-";
  std::string i1, d1, ll;
  bool json = false;
  std::optional<std::uint64_t> memory_limit;
};

void run(const Options& o) {
  const CacheConfig cfg = cachegrind_config(
      parse_geometry(o.i1, "--I1"), parse_geometry(o.d1, "--D1"), parse_geometry(o.ll, "--LL"));
  const std::string too_big =
      memory_refusal(estimate_cachesim_memory(cfg), host_memory_limit(o.memory_limit));
  if (!too_big.empty()) fail("--I1/--D1/--LL", too_big);
  std::unique_ptr<CachegrindReplay> replay_ptr;
  try {
    replay_ptr = std::make_unique<CachegrindReplay>(cfg);
  } catch (const std::bad_alloc&) {
    fail("--I1/--D1/--LL", "cannot allocate their tag arrays");
  }
  CachegrindReplay& replay = *replay_ptr;
  const bool from_stdin = o.trace == "-";
  const std::string name = from_stdin ? "stdin" : o.trace;
  std::FILE* in = from_stdin ? stdin : std::fopen(o.trace.c_str(), "rb");
  if (in == nullptr) fail(name, std::strerror(errno));
  CachegrindCounts counts;
  std::string error;  // exit only once the exception is gone, so nothing is left half-freed
  try {
    counts = replay_stream(in, replay);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!from_stdin) std::fclose(in);
  if (!error.empty()) fail(name, error);
  if (counts.i_refs + counts.d_refs == 0)
    fail(name, "no Lackey records (expected the output of valgrind --tool=lackey --trace-mem=yes)");
  fmt::print("{}", o.json ? format_json(counts) : format_table(counts));
}

}  // namespace

LevelConfig parse_geometry(std::string_view text, std::string_view option) {
  LevelConfig l;
  std::string_view rest = text;
  if (!parse_field(rest, l.size, false) || !parse_field(rest, l.assoc, false) ||
      !parse_field(rest, l.line, true))
    throw CLI::ValidationError(
        fmt::format("{}: expected size,assoc,line (e.g. 32768,8,64), got '{}'", option, text),
        kUsageExit);
  if (std::string err = validate(l, option); !err.empty())
    throw CLI::ValidationError(err, kUsageExit);
  return l;
}

std::string format_table(const CachegrindCounts& c) {
  std::string out;
  for (auto [label, n] : {std::pair{"I   refs:", c.i_refs},
                          {"I1  misses:", c.i1_misses},
                          {"LLi misses:", c.lli_misses},
                          {"D   refs:", c.d_refs},
                          {"D1  misses:", c.d1_misses},
                          {"LLd misses:", c.lld_misses}})
    out += fmt::format("{:<12}{:>14}\n", label, n);
  return out;
}

std::string format_json(const CachegrindCounts& c) {
  nlohmann::ordered_json j;
  for (const auto& [name, n] : c.fields()) j[std::string(name)] = n;
  return j.dump() + "\n";
}

void add_cachesim_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  const CacheConfig d;  // the model's own defaults stand in for Cachegrind's host detection
  o->i1 = geometry_text(d.l1i);
  o->d1 = geometry_text(d.l1d);
  o->ll = geometry_text(d.llc);
  CLI::App* sub = app.add_subcommand(
      "cachesim", "Replay a Valgrind Lackey trace as Cachegrind's I1/D1/LL cache simulation");
  sub->add_option("trace", o->trace,
                  "valgrind --tool=lackey --trace-mem=yes output; '-' or none reads stdin");
  sub->add_option("--I1", o->i1, "I1 cache as size,assoc,line")->capture_default_str();
  sub->add_option("--D1", o->d1, "D1 cache as size,assoc,line")->capture_default_str();
  sub->add_option("--LL", o->ll, "unified last-level cache as size,assoc,line")
      ->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object instead of a table");
  add_memory_limit_option(*sub, o->memory_limit);
  sub->callback([o] { run(*o); });
}

}  // namespace rcusim

// The cachesim command's side of the cache model: the Lackey parser over any chunking, agreement
// with Cachegrind on a real trace, the JSON and table output, and bad input.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/cache/replay.hpp"
#include "sim/cli/cachesim.hpp"

using namespace rcusim;

namespace {

std::vector<LackeyRecord> parse_in_chunks(std::string_view text, std::size_t chunk) {
  std::vector<LackeyRecord> out;
  LackeyParser p;
  auto keep = [&](const LackeyRecord& r) { out.push_back(r); };
  for (std::size_t i = 0; i < text.size(); i += chunk) p.feed(text.substr(i, chunk), keep);
  p.finish(keep);
  return out;
}

struct CachegrindRun {
  const char* i1;
  const char* d1;
  const char* ll;
  CachegrindCounts expected;  // copied from tests/data/cachesim/README.md
};

CachegrindCounts replay_reference_trace(const CachegrindRun& run) {
  const std::string path = std::string(RCUSIM_SOURCE_DIR) + "/tests/data/cachesim/trace.lackey.gz";
  std::FILE* in = popen(("gzip -dc '" + path + "'").c_str(), "r");
  REQUIRE(in != nullptr);
  CachegrindReplay replay(cachegrind_config(parse_geometry(run.i1, "--I1"),
                                            parse_geometry(run.d1, "--D1"),
                                            parse_geometry(run.ll, "--LL")));
  const CachegrindCounts got = replay_stream(in, replay);
  REQUIRE(pclose(in) == 0);  // gzip found the file and it decompressed whole
  return got;
}

void check_within_1pct(const char* what, std::uint64_t got, std::uint64_t want) {
  INFO(what << ": model " << got << ", Cachegrind " << want);
  const double diff = got > want ? double(got - want) : double(want - got);
  CHECK(diff <= 0.01 * double(want));
}

}  // namespace

TEST_CASE("cache: the Lackey parser reads records across any chunking") {
  const std::string text =
      "==42== Lackey, an example Valgrind tool\n"
      "I  0401ab70,3\n"
      " S 1fff000628,8\n"
      " L 7ffff7fe3e80,16\n"
      "some program output\n"
      " M 0000dead,4\r\n"
      "I  ffffffff81000000,15";  // no final newline
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, text.size()}) {
    CAPTURE(chunk);
    const auto r = parse_in_chunks(text, chunk);
    REQUIRE(r.size() == 5);
    CHECK(r[0].kind == AccessKind::ifetch);
    CHECK(r[0].addr == 0x0401ab70);
    CHECK(r[0].size == 3);
    CHECK(r[1].kind == AccessKind::write);
    CHECK(r[2].kind == AccessKind::read);
    CHECK(r[2].addr == 0x7ffff7fe3e80);
    CHECK(r[2].size == 16);
    CHECK(r[3].kind == AccessKind::modify);
    CHECK(r[3].addr == 0xdead);
    CHECK(r[4].addr == 0xffffffff81000000);
    CHECK(r[4].size == 15);
  }
  LackeyParser p;
  auto ignore = [](const LackeyRecord&) {};
  CHECK_THROWS_WITH_AS(p.feed("I  0401ab70,3\n L 12g4,8\n", ignore),
                       "line 2: bad address in a Lackey record", LackeyError);
  LackeyParser q;
  CHECK_THROWS_AS(q.feed(" S 1234\n", ignore), LackeyError);
  LackeyParser s;
  CHECK_THROWS_AS(s.feed(" S 1234,x\n", ignore), LackeyError);
  LackeyParser big;
  CHECK_THROWS_AS(big.feed(" L 1234,99999999999999999999\n", ignore), LackeyError);
}

TEST_CASE("cache: cachesim agrees with Cachegrind within 1% on a real Lackey trace") {
  const CachegrindRun runs[] = {
      {"32768,8,64", "32768,8,64", "8388608,16,64", {414976, 1389, 1364, 112605, 20827, 6813}},
      {"4096,2,64", "4096,4,32", "65536,8,64", {414976, 2784, 1441, 112605, 35038, 20057}},
      {"1024,1,32", "2048,2,64", "16384,4,128", {414976, 9146, 1346, 112605, 38154, 26027}},
  };
  for (const CachegrindRun& run : runs) {
    CAPTURE(run.d1);
    const CachegrindCounts got = replay_reference_trace(run);
    const CachegrindCounts& want = run.expected;
    check_within_1pct("I refs", got.i_refs, want.i_refs);
    check_within_1pct("I1 misses", got.i1_misses, want.i1_misses);
    check_within_1pct("LLi misses", got.lli_misses, want.lli_misses);
    check_within_1pct("D refs", got.d_refs, want.d_refs);
    check_within_1pct("D1 misses", got.d1_misses, want.d1_misses);
    check_within_1pct("LLd misses", got.lld_misses, want.lld_misses);
  }
}

namespace {

struct CliRun {
  int status = -1;
  std::string out, err;
};

std::string slurp(std::FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
  std::fclose(f);
  return s;
}

// Runs the subcommand in a child process, as the CLI would: I/O errors end it with std::exit.
CliRun run_cachesim(const std::string& args) {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  REQUIRE((out != nullptr && err != nullptr));
  std::fflush(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    CLI::App app{"rcusim"};
    add_cachesim_command(app);
    int code = 0;
    try {
      app.parse(args);
    } catch (const CLI::ParseError& e) {
      code = app.exit(e);
    }
    std::fflush(nullptr);
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

std::string write_temp(const std::string& text) {
  char path[] = "/tmp/rcusim_cachesim_XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  close(fd);
  return path;
}

}  // namespace

TEST_CASE("cache: cachesim prints Cachegrind's six totals as JSON") {
  // Two fetches of one line, a load then a store of one data line: one cold miss each side.
  const std::string path = write_temp("==1== banner\nI  1000,4\nI  1004,4\n L 2000,8\n S 2000,8\n");
  const CliRun r = run_cachesim("cachesim --json " + path);
  std::remove(path.c_str());
  CHECK(r.status == 0);
  CHECK(r.err == "");
  const auto j = nlohmann::json::parse(r.out);
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  CHECK(keys == std::set<std::string>{"I_refs", "I1_misses", "LLi_misses", "D_refs", "D1_misses",
                                      "LLd_misses"});
  CHECK(j["I_refs"] == 2);
  CHECK(j["I1_misses"] == 1);
  CHECK(j["LLi_misses"] == 1);
  CHECK(j["D_refs"] == 2);
  CHECK(j["D1_misses"] == 1);
  CHECK(j["LLd_misses"] == 1);
  CHECK(format_table(CachegrindCounts{2, 1, 1, 2, 1, 1}).starts_with("I   refs:"));
}

TEST_CASE("cache: cachesim rejects bad input with a message and status 2") {
  const CliRun missing = run_cachesim("cachesim /nonexistent/trace");
  CHECK(missing.status == 2);
  CHECK(missing.err == "rcusim cachesim: /nonexistent/trace: No such file or directory\n");
  CHECK(missing.out == "");

  const std::string path = write_temp("I  1000,4\n L zz,8\n");
  const CliRun bad = run_cachesim("cachesim " + path);
  std::remove(path.c_str());
  CHECK(bad.status == 2);
  CHECK(bad.err.starts_with("rcusim cachesim: " + path + ": line 2: "));

  const CliRun geometry = run_cachesim("cachesim --D1 32768,8 " + path);
  CHECK(geometry.status == 2);
  CHECK(geometry.err.find("--D1") != std::string::npos);

  CLI::App app{"rcusim"};
  add_cachesim_command(app);
  try {
    app.parse("cachesim --I1 3000,3,64 -", false);
    FAIL("a 3000-byte, 3-way cache was accepted");
  } catch (const CLI::ValidationError& e) {
    CHECK(e.get_exit_code() == 2);
    CHECK(std::string(e.what()).starts_with("--I1.size:"));
  }
  CHECK_THROWS_AS(parse_geometry("32768,8,64,1", "--LL"), CLI::ValidationError);
  CHECK_THROWS_AS(parse_geometry("32768,8,60", "--LL"), CLI::ValidationError);
  CHECK(parse_geometry("65536,4,128", "--LL").assoc == 4);
}

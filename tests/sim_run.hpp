// Runs the rcusim binary as a user would (SimGrid allows one engine per process) and reads what
// it wrote.
#pragma once
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace rcusim::test {

struct Run {
  int exit_code = -1;
  std::string out;  // stdout and stderr
  std::string dir;
  nlohmann::json summary() const {
    std::ifstream in(dir + "/summary.json");
    return nlohmann::json::parse(in);
  }
  std::string file(const std::string& name) const {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

// Every directory a test process makes is removed when it exits.
struct TempDirs {
  std::vector<std::filesystem::path> dirs;
  ~TempDirs() {
    std::error_code ec;
    for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
  }
};

inline std::string fresh_dir(const std::string& tag) {
  static TempDirs made;
  static int n = 0;
  const auto base =
      std::filesystem::temp_directory_path() /
      ("rcusim-test-" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(n++));
  std::filesystem::remove_all(base);
  made.dirs.push_back(base);
  return base.string();
}

// Writes `text` to a scenario file `name` in a fresh directory and returns its path.
inline std::string write_scenario(const std::string& tag, const std::string& name,
                                  const std::string& text) {
  const std::string dir = fresh_dir(tag);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/" + name) << text;
  return dir + "/" + name;
}

// Runs `cmd` with sh in the source tree; returns stdout + stderr, and the exit code in *code.
inline std::string shell(const std::string& cmd, int* code = nullptr) {
  const std::string full = std::string("cd ") + RCUSIM_SOURCE_DIR + " && " + cmd + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = pclose(p);
  if (code) *code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// `args` are shell words after the binary; results go to a fresh directory, quietly.
// The SimGrid context factories a run must give the same bytes under ("" is the default). ASan
// cannot follow the swapped stacks of raw, boost and ucontext (google/sanitizers#189: false
// stack overflows when an actor ends), so sanitizer builds run threads only (as
// engine_args_for_run() does by default there); the release build covers the others.
inline std::vector<std::string> context_factories() {
#if defined(__SANITIZE_ADDRESS__)
  return {"", "--cfg=contexts/factory:thread"};
#else
  return {"", "--cfg=contexts/factory:raw", "--cfg=contexts/factory:boost",
          "--cfg=contexts/factory:thread", "--cfg=contexts/factory:ucontext"};
#endif
}

inline Run run_cli(const std::string& args, const std::string& tag = "run") {
  Run r;
  r.dir = fresh_dir(tag);
  r.out =
      shell(std::string(RCUSIM_BINARY) + " " + args + " --out " + r.dir + " --quiet", &r.exit_code);
  return r;
}

// events.csv as rows of named fields.
inline std::vector<std::map<std::string, std::string>> events(const Run& r) {
  std::istringstream in(r.file("events.csv"));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> cols;
  {
    std::istringstream h(line);
    std::string c;
    while (std::getline(h, c, ',')) cols.push_back(c);
  }
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::size_t i = 0, start = 0;
    bool quoted = false;
    for (std::size_t k = 0; k <= line.size(); ++k) {
      if (k < line.size() && line[k] == '"') quoted = !quoted;
      if (k == line.size() || (line[k] == ',' && !quoted)) {
        if (i < cols.size()) row[cols[i++]] = line.substr(start, k - start);
        start = k + 1;
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace rcusim::test

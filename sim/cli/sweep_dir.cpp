#include "sim/cli/sweep_dir.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "sim/engine/output_dir.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rcusim {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

// A directory rcusim wrote as a result (run, explore): it holds the marker file.
bool is_ours(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(p, ec)) &&
         fs::is_regular_file(fs::symlink_status(p / kOutputMarker, ec));
}

}  // namespace

std::set<std::string> prepare_dir(const fs::path& dir, const std::string& fp,
                                  const std::vector<SweepPoint>& grid) {
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw std::runtime_error(
        fmt::format("{}: cannot use it as the sweep directory: {}", dir.string(), ec.message()));
  if (fs::exists(st) && !fs::is_directory(st))
    throw std::runtime_error(fmt::format("{}: not a directory", dir.string()));
  if (fs::exists(st) && !fs::is_empty(dir, ec) && !fs::exists(dir / "sweep.json", ec))
    throw std::runtime_error(
        fmt::format("{}: exists and is not a sweep directory (no sweep.json); choose another --out",
                    dir.string()));
  fs::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("{}: cannot create the sweep directory: {}", dir.string(), ec.message()));
  if (::access(dir.c_str(), W_OK) != 0)
    throw std::runtime_error(
        fmt::format("{}: cannot write there: {}", dir.string(), std::strerror(errno)));
  bool same = false;
  try {
    same = json::parse(read_text(dir / "sweep.json")).value("fingerprint", "") == fp;
  } catch (const json::exception&) {}
  std::set<std::string> names, done;
  for (const auto& p : grid) names.insert(p.dir);
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!is_ours(e.path())) continue;
    if (same && names.count(name) && fs::exists(e.path() / "summary.json", ec))
      done.insert(name);
    else
      fs::remove_all(e.path(), ec);
  }
  for (const auto& n : names) fs::remove(dir / (n + ".log"), ec);
  fs::remove(dir / "sweep.csv", ec);
  return done;
}

bool is_job_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec) || fs::file_size(p, ec) > (64u << 20)) return false;
  std::istringstream in(read_text(p));
  std::string line;
  while (std::getline(in, line))
    if (line.find(" run ") == std::string::npos || !line.ends_with(" --quiet")) return false;
  return true;
}

}  // namespace rcusim

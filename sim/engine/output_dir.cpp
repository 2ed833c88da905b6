#include "sim/engine/output_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>

namespace fs = std::filesystem;

namespace rcusim {
namespace {

// The live temporary directory, for the signal handler: a fixed buffer, no allocation there.
char g_tmp[PATH_MAX];
std::atomic<bool> g_tmp_live{false};
// Set while commit() moves directories: a signal then waits for the swap to finish.
std::atomic<bool> g_swapping{false};
std::atomic<int> g_deferred{0};

std::string errno_text(int e) { return std::strerror(e); }

[[noreturn]] void fail(const fs::path& p, const std::string& what, int e) {
  throw OutputError(fmt::format("{}: {}: {}", p.string(), what, errno_text(e)));
}

void write_marker(const fs::path& dir) {
  std::ofstream os(dir / kOutputMarker, std::ios::binary);
  os << "rcusim result directory: rcusim may replace it with new results\n";
  os.flush();
  if (!os) fail(dir / kOutputMarker, "cannot write", errno);
}

}  // namespace

fs::path normalize_output(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  const std::string name = p.filename().string();
  if (dir.empty() || name.empty() || name == "." || name == "..")
    throw OutputError(fmt::format(
        "{}: names no directory rcusim can write results to; give a new directory or one "
        "rcusim wrote",
        dir.empty() ? "\"\"" : dir));
  return p;
}

std::string output_refusal(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return fmt::format("cannot inspect it: {}", ec.message());
  if (!fs::exists(st)) return {};
  if (fs::is_symlink(st)) return "is a symbolic link; rcusim replaces only directories it wrote";
  if (!fs::is_directory(st))
    return "exists and is not a directory; rcusim replaces only directories it wrote";
  if (fs::is_empty(dir, ec) && !ec) return {};
  if (fs::is_regular_file(fs::symlink_status(dir / kOutputMarker, ec))) return {};
  return fmt::format(
      "is a directory rcusim did not write (no {} in it); choose another --out, or remove it "
      "yourself",
      kOutputMarker);
}

OutputDir::OutputDir(const std::string& dir) : dir_(normalize_output(dir)) {
  if (const std::string why = output_refusal(dir_); !why.empty())
    throw OutputError(fmt::format("{}: {}", dir_.string(), why));
  tmp_ = fs::path(dir_.string() + fmt::format(".tmp-{}", getpid()));
  std::error_code ec;
  if (dir_.has_parent_path()) {
    fs::create_directories(dir_.parent_path(), ec);
    if (ec)
      throw OutputError(fmt::format("{}: cannot create the directory: {}",
                                    dir_.parent_path().string(), ec.message()));
  }
  if (tmp_.string().size() >= sizeof g_tmp) fail(tmp_, "cannot create", ENAMETOOLONG);
  // A killed run with our pid may have left one; it is removed only if it is ours.
  if (fs::exists(fs::symlink_status(tmp_, ec))) {
    if (!fs::is_regular_file(fs::symlink_status(tmp_ / kOutputMarker, ec)))
      fail(tmp_, "exists and rcusim did not write it", EEXIST);
    fs::remove_all(tmp_, ec);
  }
  if (::mkdir(tmp_.c_str(), 0777) != 0) fail(tmp_, "cannot create", errno);
  std::memcpy(g_tmp, tmp_.c_str(), tmp_.string().size() + 1);
  g_tmp_live = true;
  try {
    write_marker(tmp_);
  } catch (...) {
    g_tmp_live = false;
    fs::remove_all(tmp_, ec);
    throw;
  }
}

OutputDir::~OutputDir() {
  if (committed_) return;
  g_tmp_live = false;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void OutputDir::commit() {
  // Checked again: something else may have appeared at DIR while the simulation ran.
  if (const std::string why = output_refusal(dir_); !why.empty())
    throw OutputError(fmt::format("{}: {}", dir_.string(), why));
  g_swapping = true;
  const bool exists = fs::exists(fs::symlink_status(dir_));
  // RENAME_EXCHANGE swaps the two names in one step (Linux 3.15); RENAME_NOREPLACE never
  // clobbers what appeared since the check.
  int rc = ::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, dir_.c_str(),
                       exists ? RENAME_EXCHANGE : RENAME_NOREPLACE);
  fs::path old = tmp_;  // after an exchange the previous results are under the temporary name
  if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
    // A file system without renameat2 flags: move the old results aside, then the new in.
    old = fs::path(dir_.string() + fmt::format(".old-{}", getpid()));
    rc = exists ? ::rename(dir_.c_str(), old.c_str()) : 0;
    if (rc == 0 && ::rename(tmp_.c_str(), dir_.c_str()) != 0) {
      const int e = errno;
      ::rename(old.c_str(), dir_.c_str());
      errno = e;
      rc = -1;
    }
  }
  const int e = errno;
  // After an exchange the temporary name holds the previous results: a signal handler may
  // still remove them, so it keeps pointing there until they are gone.
  if (rc == 0) committed_ = true;
  if (rc == 0 && old != tmp_) g_tmp_live = false;
  g_swapping = false;
  if (rc != 0) fail(dir_, "cannot move the results into place", e);
  std::error_code ec;
  if (exists) fs::remove_all(old, ec);
  g_tmp_live = false;
  if (const int sig = g_deferred.exchange(0)) {  // a signal came during the swap: honour it now
    fmt::print(stderr, "rcusim: interrupted; results in {}/\n", dir_.string());
    std::_Exit(128 + sig);
  }
}

void abandon_output_in_signal_handler() noexcept {
  if (!g_tmp_live) return;
  const int fd = ::open(g_tmp, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    alignas(8) char buf[4096];
    for (;;) {
      const long n = ::syscall(SYS_getdents64, fd, buf, sizeof buf);
      if (n <= 0) break;
      for (long off = 0; off < n;) {
        const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
        if (std::strcmp(d->d_name, ".") != 0 && std::strcmp(d->d_name, "..") != 0)
          ::unlinkat(fd, d->d_name, 0);
        off += d->d_reclen;
      }
    }
    ::close(fd);
  }
  ::rmdir(g_tmp);
}

bool defer_signal_during_swap(int sig) noexcept {
  if (!g_swapping) return false;
  g_deferred = sig;
  return true;
}

}  // namespace rcusim

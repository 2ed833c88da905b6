// What the commands that rerun rcusim (sweep, explore) need from the system: this binary's
// path, a way to start it without a shell, and an argument quoted so that a printed command line
// reproduces the run exactly.
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace rcusim {

inline std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789_./=:,+-@%") == std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string self_exe() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

// Starts argv[0] (a path, no shell) with stdin from /dev/null and stdout and stderr into the file
// `log`, or this process's own when `log` is empty. Throws std::runtime_error if it cannot.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log);
// Waits for the child `pid`: its exit status, or -1 if a signal ended it.
int wait_exit(pid_t pid);

}  // namespace rcusim

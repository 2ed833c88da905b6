// What the commands that rerun rcusim (sweep, explore) need from the shell: this binary's path,
// and an argument quoted so that a printed command line reproduces the run exactly.
#pragma once
#include <filesystem>
#include <string>

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

}  // namespace rcusim

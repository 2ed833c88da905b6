// A run's result directory. rcusim replaces only a directory it wrote itself: one holding the
// marker file kMarker. Results are written into DIR.tmp-PID, made (so the location is known to
// be writable) before the simulation starts, and swapped with DIR in one step when complete, so
// there is no instant without a result directory and never a half-written one.
#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>

namespace rcusim {

// The name of the marker file in every result directory (a dot file: `ls` and the golden
// digests do not see it).
inline constexpr const char* kOutputMarker = ".rcusim-result";

// A location that cannot be used: not ours to replace, not writable, a bad name. Exit code 2.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "results/x/" and "results/x" are the same directory; "." and ".." name no directory rcusim
// can replace. Throws OutputError on an empty path or one ending in "." or "..".
std::filesystem::path normalize_output(const std::string& dir);

// Whether `dir` may receive results: it does not exist, is an empty directory, or is a directory
// holding kOutputMarker. Returns an empty string if so, else why not.
std::string output_refusal(const std::filesystem::path& dir);

class OutputDir {
 public:
  // Checks `dir`, creates its parents and the temporary directory. Throws OutputError.
  explicit OutputDir(const std::string& dir);
  // Removes the temporary directory unless commit() moved it into place.
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  const std::filesystem::path& tmp() const { return tmp_; }
  const std::filesystem::path& path() const { return dir_; }
  // Puts the temporary directory in place of DIR (exchanging the two when DIR exists) and removes
  // the previous results. SIGINT and SIGTERM wait until the swap is done. Throws OutputError.
  void commit();

 private:
  std::filesystem::path dir_, tmp_;
  bool committed_ = false;
};

// For a SIGINT/SIGTERM handler: removes the live OutputDir's temporary directory with
// async-signal-safe calls only (unlink, rmdir). Result file names are known in advance.
void abandon_output_in_signal_handler() noexcept;
// For the same handler: true (and the signal remembered) while commit() is swapping directories;
// commit() then exits with 128 + the signal once the new results are in place.
bool defer_signal_during_swap(int sig) noexcept;

}  // namespace rcusim

#!/usr/bin/env bash
# Every C++ file in the tree is as clang-format (the repository's .clang-format) writes it.
# Skips (77) where clang-format is missing. Fix with: clang-format -i $(git ls-files '*.cpp' '*.hpp')
#   tests/check_format.sh SOURCE_DIR
set -uo pipefail
cd "$1"
command -v clang-format >/dev/null || { echo "clang-format not installed"; exit 77; }
files=$(find sim models tests bench fuzz -name '*.cpp' -o -name '*.hpp' | sort)
bad=0
for f in $files; do
  clang-format --dry-run --Werror "$f" 2>/dev/null || { echo "not formatted: $f"; bad=1; }
done
exit $bad

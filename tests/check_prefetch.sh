#!/usr/bin/env bash
# Host prefetches change no result, so no other test notices when the compiler drops them: GCC 12
# at -O2 compiled every __builtin_prefetch of this tree to nothing. Checks that sources go through
# host_prefetch() and that the built tool holds the instructions (x86-64).
#   tests/check_prefetch.sh SOURCE_DIR RCUSIM_BINARY [release|sanitize]
set -euo pipefail
src=$1 bin=$2
# Instrumented code is not what ships: what the optimiser kept says nothing there (skip, 77).
[ "${3:-release}" = sanitize ] && { echo "skipped in the sanitizer build"; exit 77; }
if grep -rn --include='*.cpp' --include='*.hpp' __builtin_prefetch "$src/models" "$src/sim" |
   grep -v 'sim/base/host_prefetch.hpp'; then
  echo "use host_prefetch() (sim/base/host_prefetch.hpp), not __builtin_prefetch" >&2
  exit 1
fi
[ "$(uname -m)" = x86_64 ] || exit 0
n=$(objdump -d --no-show-raw-insn "$bin" | grep -cE '\sprefetcht0\s' || true)
echo "$n prefetch instructions in $bin"
# One per host_prefetch() call site that survived inlining (21 when this check was written).
[ "$n" -ge 15 ] || { echo "expected at least 15: were the prefetches compiled out?" >&2; exit 1; }

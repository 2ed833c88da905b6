#!/usr/bin/env bash
# "Caller holds the lock" is checked, not only written: every RCUSIM_ASSERT_HELD() in the models
# (lockdep_assert_held()) is an assert() whose expression text the built tool must hold. A build
# with NDEBUG, or a use that no longer compiles to a check, fails here.
#   tests/check_lock_asserts.sh SOURCE_DIR RCUSIM_BINARY
set -euo pipefail
src=$1 bin=$2
text=$(strings "$bin")
uses=$(grep -rh --include='*.cpp' --include='*.hpp' 'RCUSIM_ASSERT_HELD(' "$src/models" "$src/sim" |
       grep -v '#define' | sed -E 's/.*RCUSIM_ASSERT_HELD\(([^,]+), (.*)\);.*/(\2).held_by((\1).id())/' |
       sort -u)
[ -n "$uses" ] || { echo "no RCUSIM_ASSERT_HELD() found under $src/models" >&2; exit 1; }
bad=0 n=0
while IFS= read -r want; do
  n=$((n + 1))
  grep -qxF -- "$want" <<<"$text" || { echo "not in $bin: assert($want)" >&2; bad=1; }
done <<<"$uses"
echo "$n lock-held checks in $bin"
exit $bad

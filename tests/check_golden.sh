#!/usr/bin/env bash
# Golden results: every scenario's result files, digested, against tests/golden/digests.txt.
# A change of figures must be deliberate: regenerate with
#   tools/output_digest.sh > tests/golden/digests.txt
# and say in the commit why the figures moved.
#   tests/check_golden.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
now=$(mktemp)
trap 'rm -f "$now"' EXIT
"$src/tools/output_digest.sh" "$build" > "$now"
if ! diff -u "$src/tests/golden/digests.txt" "$now"; then
  echo "result digests differ from tests/golden/digests.txt (see above);" >&2
  echo "if the change is intended: tools/output_digest.sh > tests/golden/digests.txt" >&2
  exit 1
fi
echo "$(wc -l < "$now") digests match"

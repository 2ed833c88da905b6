#!/usr/bin/env bash
# Every scenario, shortened, through the tool as built (the sanitizer job runs this on the
# ASan+UBSan build: any report fails the run). A scenario's own outcome (exit 1) is not checked.
#   tests/check_scenarios_short.sh SOURCE_DIR RCUSIM_BINARY
set -uo pipefail
src=$1 bin=$2
cd "$src"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0 n=0
for f in scenarios/*.toml scenarios/race/*.toml tests/scenarios/*.toml; do
  name=$(basename "$f" .toml)
  args=(--set duration=2ms --set drain=20ms)
  [ "$name" = scale ] && args+=(--set machine.cpus=256)
  for model in flat cache; do
    "$bin" run "$f" "${args[@]}" --set memory.model=$model --quiet --out "$out/$name-$model" \
      2>"$out/err"
    rc=$?
    n=$((n + 1))
    if [ $rc -gt 1 ] || grep -q "runtime error\|Sanitizer" "$out/err"; then
      echo "FAIL: $f ($model): exit $rc"; head -40 "$out/err"; fail=1
    fi
  done
done
echo "$n runs"
exit $fail

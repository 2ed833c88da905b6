#!/usr/bin/env bash
# Result directories: rcusim replaces only what it wrote, checks the location before the run,
# swaps results in atomically, and leaves nothing behind when interrupted or when a write fails.
#   tests/check_output_dirs.sh SOURCE_DIR RCUSIM_BINARY
set -uo pipefail
src=$1 bin=$2
cd "$src"
. tests/cli_lib.sh

# --out on a directory of user files, or on a file: exit 2 before the run, nothing touched.
cp -r scenarios "$T/s"
races=$(ls scenarios/race | wc -l)
expect 2 "no .rcusim-result" "$bin" run "$T/s/race/paul_a_to_e.toml" --quiet --out "$T/s/race"
check "the race scenarios survive" test "$(ls "$T/s/race" | wc -l)" = "$races"
echo keep > "$T/file"
expect 2 "not a directory" "$bin" run scenarios/smoke.toml --quiet --out "$T/file"
check "the file survives" test "$(cat "$T/file")" = keep
expect 2 "Not a directory" "$bin" run scenarios/smoke.toml --quiet --out "$T/file/sub"
expect 2 "no .rcusim-result" "$bin" explore "$T/s/race/paul_a_to_e.toml" --runs 1 --out "$T/s/race"
check "explore leaves the race scenarios" test "$(ls "$T/s/race" | wc -l)" = "$races"
ln -s "$T/s" "$T/link"
expect 2 "symbolic link" "$bin" run scenarios/smoke.toml --quiet --out "$T/link"

# The scenario name makes the default directory: no path out of results/.
mkdir "$T/victim" && echo keep > "$T/victim/x"
(cd "$T" && expect 2 "name: \"../victim\" must not contain '/'" "$bin" run "$src/scenarios/smoke.toml" --set 'name="../victim"') || fail=1
check "victim/ survives" test "$(cat "$T/victim/x")" = keep
expect 2 "name: \"\" must not be empty" "$bin" validate scenarios/smoke.toml --set 'name=""'

# A trailing slash names the same directory; a second run replaces the first; "." is refused.
expect 0 "" "$bin" run scenarios/smoke.toml --quiet --out "$T/r/"
check "results in r/" test -f "$T/r/summary.json" -a -f "$T/r/.rcusim-result"
before=$(sha256sum < "$T/r/summary.json")
expect 0 "" "$bin" run scenarios/smoke.toml --quiet --out "$T/r" --seed 2
check "the second run replaced the first" test "$(sha256sum < "$T/r/summary.json")" != "$before"
check "no temporary directory left" test -z "$(ls -d "$T"/r.* 2>/dev/null)"
(cd "$T/r" && expect 2 "names no directory" "$bin" run "$src/scenarios/smoke.toml" --quiet --out .) || fail=1
mkdir "$T/empty"
expect 0 "" "$bin" run scenarios/smoke.toml --quiet --out "$T/empty"

# SIGINT and SIGTERM: 130 and 143, no temporary directory, the previous results kept. The run
# would take hours: the signal always comes while it runs (once its temporary directory exists).
set -m  # background jobs get SIGINT (without job control a shell has them ignore it)
before=$(sha256sum < "$T/r/summary.json")
for sig in INT:130 TERM:143; do
  "$bin" run scenarios/smoke.toml --set duration=1000s --quiet --out "$T/r" 2>"$T/.err" &
  pid=$!
  wait_for "$T/r.tmp-$pid"
  kill -"${sig%:*}" "$pid"
  wait "$pid"
  check "SIG${sig%:*}: exit ${sig#*:}" test $? = "${sig#*:}"
  check "SIG${sig%:*}: no temporary directory" test -z "$(ls -d "$T"/r.* 2>/dev/null)"
  check "SIG${sig%:*}: previous results kept" test "$(sha256sum < "$T/r/summary.json")" = "$before"
done

# explore passes the signal on, keeps the previous results and leaves no temporary directory.
expect 0 "" "$bin" explore scenarios/race/paul_a_to_e.toml --runs 1 --out "$T/ex"
ex_before=$(sha256sum < "$T/ex/explore.csv")
"$bin" explore scenarios/race/paul_a_to_e.toml --runs 100000 --out "$T/ex" >/dev/null 2>&1 &
pid=$!
wait_for "$T/ex.tmp-$pid/seed-2"
kill -TERM "$pid"
wait "$pid"
check "explore SIGTERM: exit 143" test $? = 143
check "explore SIGTERM: no temporary directory" test -z "$(ls -d "$T"/ex.* 2>/dev/null)"
check "explore SIGTERM: previous results kept" test "$(sha256sum < "$T/ex/explore.csv")" = "$ex_before"

# A failed write (here: the file size limit) removes the temporary directory and says why.
(ulimit -f 8; trap '' XFSZ
 expect 2 "File too large" "$bin" run scenarios/smoke.toml --quiet --out "$T/r") || fail=1
check "failed write: no temporary directory" test -z "$(ls -d "$T"/r.* 2>/dev/null)"
check "failed write: previous results kept" test "$(sha256sum < "$T/r/summary.json")" = "$before"

# sweep: interrupted points count as failures and are never merged; a rerun keeps the complete
# points byte for byte and runs the rest.
grid=(scenarios/smoke.toml --set duration=10ms,1000s --out "$T/sw")
"$bin" sweep "${grid[@]}" 2>"$T/.err" &
pid=$!
wait_for "$T/sw/duration-10ms_seed-1/summary.json"
wait_for "$T/sw/duration-1000s_seed-1.log"
kill -INT "$pid"  # the sweep alone: it passes the signal on to its run
wait "$pid"
check "interrupted sweep: exit 130" test $? = 130
check "interrupted sweep: says so" grep -q "sweep interrupted" "$T/.err"
check "interrupted sweep: one complete point" test -f "$T/sw/duration-10ms_seed-1/summary.json"
check "interrupted sweep: no temporary directory" test -z "$(ls -d "$T"/sw/*.tmp-* 2>/dev/null)"
check "interrupted sweep: no sweep.csv" test ! -e "$T/sw/sweep.csv"
# A rerun of the same grid keeps complete points byte for byte (here one, untouched since), runs
# the missing one and clears what a killed run left.
grid=(scenarios/smoke.toml --set duration=10ms,20ms --out "$T/sw")
expect 0 "" "$bin" sweep "${grid[@]}"
first=$(sha256sum < "$T/sw/duration-10ms_seed-1/events.csv")
touch -d '2001-01-01' "$T/sw/duration-10ms_seed-1/events.csv"
rm -r "$T/sw/duration-20ms_seed-1"
mkdir "$T/sw/duration-20ms_seed-1.tmp-99" && touch "$T/sw/duration-20ms_seed-1.tmp-99/.rcusim-result"
expect 0 "1 complete from an earlier run kept" "$bin" sweep "${grid[@]}" --jobs 2
check "resumed sweep: the complete point untouched" \
  test "$(stat -c %Y "$T/sw/duration-10ms_seed-1/events.csv")" = "$(date -d 2001-01-01 +%s)"
check "resumed sweep: same bytes" test "$(sha256sum < "$T/sw/duration-10ms_seed-1/events.csv")" = "$first"
check "resumed sweep: the missing point ran" test -f "$T/sw/duration-20ms_seed-1/summary.json"
check "resumed sweep: the killed run's directory is gone" test ! -e "$T/sw/duration-20ms_seed-1.tmp-99"
check "resumed sweep: both points merged" test "$(grep -c ',ok,' "$T/sw/sweep.csv")" = 2
# merge reads only the points sweep.json lists, never a leftover temporary directory.
cp -r "$T/sw/duration-20ms_seed-1" "$T/sw/duration-20ms_seed-1.tmp-99"
cp -r "$T/sw/duration-20ms_seed-1" "$T/sw/other"
expect 0 "" "$bin" merge "$T/sw"
check "merge: one row per point" test "$(wc -l < "$T/sw/sweep.csv")" = 3
echo '{"points": [{"dir": 3}]}' > "$T/sw2.json"; mkdir "$T/sw2"; mv "$T/sw2.json" "$T/sw2/sweep.json"
expect 2 "sw2/sweep.json: [json.exception" "$bin" merge "$T/sw2"
echo x > "$T/X"
expect 2 "Not a directory" "$bin" sweep scenarios/smoke.toml --set objects.types=1,2 --out "$T/X/sub"
# --emit-jobs never replaces a file it did not write.
cp scenarios/smoke.toml "$T/scen.toml"
expect 2 "not a job file" "$bin" sweep "$T/scen.toml" --set objects.types=1,2 --out "$T/sw3" --emit-jobs "$T/scen.toml"
check "the scenario survives --emit-jobs" cmp -s scenarios/smoke.toml "$T/scen.toml"
expect 0 "" "$bin" sweep scenarios/smoke.toml --set objects.types=1,2 --out "$T/sw3" --emit-jobs "$T/jobs" --cfg=contexts/factory:thread
check "emitted jobs carry --cfg" grep -q -- '--cfg=contexts/factory:thread' "$T/jobs"
expect 0 "" "$bin" sweep scenarios/smoke.toml --set objects.types=1,2 --out "$T/sw3" --emit-jobs "$T/jobs"
finish

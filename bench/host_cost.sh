#!/usr/bin/env bash
# The host's cost of one reclaimed object, counted rather than timed: wall-clock figures on a
# shared virtual machine move by 20% from hour to hour, callgrind's counts repeat exactly. Runs a scenario for
# two durations under callgrind (ucontext factory: callgrind dislikes the raw one) and divides the
# difference of each count by the difference in reclaimed objects, which leaves start-up out.
# With --cache-sim, callgrind also simulates a host with a 48 KiB L1D and a 32 MiB LL (the L3 of
# the machine the figures in docs/performance.md come from): D1 misses are then host L1 misses, LL misses host DRAM loads. Prints one JSON
# object. It takes one to four minutes.
#   bench/host_cost.sh [--cache-sim] [--set key=value]... [build-dir [scenario [short long]]]
set -euo pipefail
cd "$(dirname "$0")/.."
sim=() sets=() pos=()
while (($#)); do
  case $1 in
    --cache-sim) sim=(--cache-sim=yes --I1=32768,8,64 --D1=49152,12,64 --LL=33554432,16,64) ;;
    --set) sets+=(--set "$2"); shift ;;
    *) pos+=("$1") ;;
  esac
  shift
done
bin=${pos[0]:-build}/rcusim
scenario=${pos[1]:-scenarios/bench_64cpu.toml}
short=${pos[2]:-4ms}
long=${pos[3]:-8ms}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for d in "$short" "$long"; do
  valgrind --tool=callgrind "${sim[@]}" --callgrind-out-file="$out/$d.cg" "$bin" run "$scenario" \
    --set duration="$d" "${sets[@]}" --quiet --out "$out/$d" --cfg=contexts/factory:ucontext \
    2>"$out/$d.log" >/dev/null
done
/usr/bin/python3 - "$out" "$short" "$long" "$scenario" <<'PY'
import json, re, sys
out, short, long_, scenario = sys.argv[1:]
def counts(d):
    text = open(f"{out}/{d}.cg").read()
    events = re.search(r"^events: (.*)$", text, re.M).group(1).split()
    totals = [int(x) for x in re.search(r"^totals: (.*)$", text, re.M).group(1).split()]
    objects = json.load(open(f"{out}/{d}/summary.json"))["metrics"]["reclaimed_objects"]
    return dict(zip(events, totals)), objects
(a, na), (b, nb) = counts(short), counts(long_)
per = lambda *keys: sum(b.get(k, 0) - a.get(k, 0) for k in keys) / (nb - na)
fig = {"scenario": scenario, "durations": [short, long_], "reclaimed_objects": [na, nb],
       "instructions_per_object": per("Ir")}
if "D1mr" in a:
    fig |= {"host_l1d_read_misses_per_object": per("D1mr"),
            "host_l1d_write_misses_per_object": per("D1mw"),
            "host_ll_read_misses_per_object": per("DLmr"),
            "host_ll_write_misses_per_object": per("DLmw")}
print(json.dumps(fig, indent=2))
PY

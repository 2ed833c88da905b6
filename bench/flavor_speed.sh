#!/usr/bin/env bash
# The two RCU flavours' simulation speed on the same busy machine: wall time per simulated
# CPU-second of scenarios/classic_vs_tree.toml (every CPU busy; no drain, so both simulate the
# same span), at 64 and 4096 CPUs, each the median of --reps runs of bench_reclaim; then tree's
# figure over classic's at each size (the target: at most 2). Prints one JSON object.
#   bench/flavor_speed.sh [build-dir] [reps]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-build}/bench_reclaim
reps=${2:-3}
points=()
for cpus in 64 4096; do
  for flavor in classic tree; do
    fig=$("$bench" scenarios/classic_vs_tree.toml --reps "$reps" --set machine.cpus="$cpus" \
            --set rcu.flavor="$flavor" --set drain=0ms |
          /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["wall_seconds_per_simulated_cpu_second"])')
    points+=("\"$flavor@$cpus\": $fig")
  done
done
/usr/bin/python3 - "${points[@]}" <<'PY'
import json, sys
fig = json.loads("{" + ", ".join(sys.argv[1:]) + "}")
print(json.dumps({"scenario": "classic_vs_tree", "wall_seconds_per_simulated_cpu_second": fig,
                  "tree_over_classic": {c: fig[f"tree@{c}"] / fig[f"classic@{c}"]
                                        for c in ("64", "4096")}}, indent=2))
PY

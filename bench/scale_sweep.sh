#!/usr/bin/env bash
# The scale target: wall time per simulated CPU-second on scenarios/scale.toml from 16 to
# 4096 CPUs, each point the median of --reps runs of bench_reclaim, then the ratio of the 4096-CPU
# figure to the 16-CPU one (the target is at most 2). Prints one JSON object.
#   bench/scale_sweep.sh [build-dir] [reps]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-build}/bench_reclaim
reps=${2:-3}
points=()
for cpus in 16 64 256 1024 4096; do
  fig=$("$bench" scenarios/scale.toml --reps "$reps" --set machine.cpus="$cpus" |
        /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["wall_seconds_per_simulated_cpu_second"])')
  points+=("\"$cpus\": $fig")
done
/usr/bin/python3 - "${points[@]}" <<'PY'
import json, sys
per_cpu_s = json.loads("{" + ", ".join(sys.argv[1:]) + "}")
print(json.dumps({"scenario": "scale", "wall_seconds_per_simulated_cpu_second": per_cpu_s,
                  "ratio_4096_to_16": per_cpu_s["4096"] / per_cpu_s["16"]}, indent=2))
PY

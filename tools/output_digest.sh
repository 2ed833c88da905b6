#!/usr/bin/env bash
# Prints one digest per scenario run (every result file), so a change meant to be invisible, such as
# a speed-up, can be checked to leave every byte as it was: run before and after, then diff.
#   tools/output_digest.sh [build-dir] > before.txt
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
bin=$build/rcusim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {  # name, then rcusim run arguments
  local name=$1; shift
  "$bin" run --quiet --out "$out/$name" "$@" >/dev/null || true
  printf '%s %s\n' "$(cd "$out/$name" && cat $(ls | sort) | sha256sum | cut -c1-16)" "$name"
}
for f in scenarios/*.toml scenarios/race/*.toml tests/scenarios/*.toml; do
  n=$(basename "$f" .toml)
  case $n in
    bench_64cpu) run "$n" "$f" --set duration=3ms --set output.events=true --set output.latencies=true ;;
    scale) run "$n" "$f" --set machine.cpus=256 ;;
    rcuscale_kfree) run "$n" "$f" --set rcuscale.kfree_loops=20 ;;
    *) run "$n" "$f" ;;
  esac
done
run bench_64cpu_flat scenarios/bench_64cpu.toml --set duration=3ms --set memory.model=flat
run smoke_cache scenarios/smoke.toml --set memory.model=cache --set machine.cpus=70
# Batched kfree_rcu(), each generation, and rcuscale's test without batching.
for g in 5.6 5.7 6.1 6.3 6.12; do
  run "smoke_kfree_rcu_$g" scenarios/smoke.toml --set reclaim.kfree_rcu=$g --set drain=6s
done
run rcuscale_kfree_3.0 scenarios/rcuscale_kfree.toml --set reclaim.kfree_rcu=3.0 --set rcuscale.kfree_loops=2
# Tree RCU: a small machine, the RFC's comparison, the race, the cache model.
run smoke_tree scenarios/smoke.toml --set rcu.flavor=tree
run trivial_vs_kfree_rcu_tree scenarios/trivial_vs_kfree_rcu.toml --set rcu.flavor=tree
run paul_a_to_e_tree scenarios/race/paul_a_to_e.toml --set rcu.flavor=tree
run bench_8cpu_cache_tree scenarios/bench_64cpu.toml --set machine.cpus=8 --set duration=3ms \
  --set rcu.flavor=tree
# The cache model's other shapes: a long 8-CPU run, sets wider than 16 ways, no L2, a 2-way L1D.
run bench_8cpu_cache scenarios/bench_64cpu.toml --set machine.cpus=8 --set duration=10ms
run bench_wide_sets scenarios/bench_64cpu.toml --set machine.cpus=8 --set duration=3ms \
  --set cache.llc.size=10MiB --set cache.llc.assoc=20 --set cache.l2.assoc=32 --set cache.l2.size=2MiB
run bench_no_l2 scenarios/bench_64cpu.toml --set machine.cpus=8 --set duration=3ms \
  --set cache.l2_enabled=false --set cache.l1d.assoc=2
for geo in "" "--I1 16384,4,64 --D1 8192,2,32 --LL 1572864,24,64"; do
  # shellcheck disable=SC2086
  printf '%s cachesim %s\n' "$(zcat tests/data/cachesim/trace.lackey.gz | "$bin" cachesim --json $geo - |
    sha256sum | cut -c1-16)" "$geo"
done

#!/usr/bin/env bash
# rcusim on a fresh Debian 12 machine. Installs what is missing (apt-get), builds, then:
#   ./setup.sh          runs the default scenarios into results/ (the main job)
#   ./setup.sh test     builds and runs every test (what CI runs)
#   ./setup.sh build    only installs and builds
#   ./setup.sh sanitize the tests and every scenario on an ASan+UBSan build (build-asan/; CI)
#   ./setup.sh fuzz [S] each libFuzzer harness in fuzz/ for S seconds (default 60; build-fuzz/; CI)
set -euo pipefail
cd "$(dirname "$0")"
MODE="${1:-run}"

PKGS=(build-essential cmake pkg-config libsimgrid-dev libboost-dev libfmt-dev doctest-dev
      libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libbenchmark-dev python3-matplotlib
      parallel valgrind binutils ccache clang-format)
[ "$MODE" = fuzz ] && PKGS+=(clang-14 libclang-rt-14-dev)
# The main job: these scenarios, a trace replay, these sweeps, then plot.py over results/.
DEFAULT_SCENARIOS=(smoke trivial_vs_kfree_rcu kernel_2_6_27_mix race/paul_a_to_e
                   race/with_rcu_barrier race/all_kfree_rcu race/cache_destroy_after_rcu_barrier
                   race/cache_destroy_kvfree_rcu_barrier)
GENERATIONS=rfc-2008,3.0,5.6,5.7,6.1,6.3,6.12

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ccache, when there, keeps rebuilds (and the three CI builds) short.
LAUNCHER=()
if command -v ccache >/dev/null; then
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
case "$MODE" in
  sanitize)
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DRCUSIM_SANITIZE=ON "${LAUNCHER[@]}" >/dev/null
    cmake --build build-asan -j"$(nproc)"
    # Any report (a leak too) fails the test that ran into it.
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # rcuscale's figures need tens of millions of objects (minutes under ASan); its code runs
    # here in the short pass over every scenario.
    ctest --test-dir build-asan -j"$(nproc)" --output-on-failure -E '^rcuscale kfree: grace periods'
    exit 0 ;;
  fuzz)
    secs="${2:-60}"
    cmake -S . -B build-fuzz -DRCUSIM_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
      -DCMAKE_BUILD_TYPE=Release "${LAUNCHER[@]}" >/dev/null
    cmake --build build-fuzz -j"$(nproc)"
    for src in fuzz/*.cpp; do
      name=$(basename "$src" .cpp)
      mkdir -p "build-fuzz/corpus/$name" "fuzz/corpus/$name"
      echo "fuzz: $name for ${secs}s"
      # New inputs go to build-fuzz/; the committed seeds are read only. A crash fails the job
      # and leaves crash-* (the input) in build-fuzz/.
      (cd build-fuzz && "./fuzz_$name" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
         -print_final_stats=1 "corpus/$name" "../fuzz/corpus/$name" 2>&1 | grep -v "^\"" | tail -40)
    done
    echo "fuzz: 0 crashes"
    exit 0 ;;
esac

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${LAUNCHER[@]}" >/dev/null
cmake --build build -j"$(nproc)"

case "$MODE" in
  build) ;;
  test)
    ctest --test-dir build -j"$(nproc)" --output-on-failure ;;
  run)
    for s in "${DEFAULT_SCENARIOS[@]}"; do
      ./build/rcusim run "scenarios/$s.toml"
    done
    # A committed kernel trace, replayed and compared (results/replay-sample/), with its
    # simulation's own trace.txt and trace.json.
    ./build/rcusim replay tests/data/ftrace/sample.txt --trace ftrace,perfetto
    J="$(nproc)"
    ./build/rcusim sweep scenarios/cache_distinct_callbacks.toml --jobs "$J" \
      --set objects.types=1,4,16,64,256,1024
    ./build/rcusim sweep scenarios/future_trivial_fraction.toml --jobs "$J" \
      --set objects.kfree_only=0.28,0.5,0.9 --set objects.kfree_rcu=0,1
    ./build/rcusim sweep scenarios/barrier_cost.toml --jobs "$J" \
      --set machine.cpus=1,2,4,8,16,32,64,128,256
    ./build/rcusim sweep scenarios/classic_vs_tree.toml --jobs "$J" \
      --set machine.cpus=16,64,256,1024,4096 --set rcu.flavor=classic,tree
    # kfree_rcu() through its generations on Tree RCU: the RFC's comparison on the cache model
    # (6.1 on drains after 5 s), and rcuscale's kfree test (scaled down: see the scenario file).
    ./build/rcusim sweep scenarios/trivial_vs_kfree_rcu.toml --jobs "$J" --set rcu.flavor=tree \
      --set reclaim.kfree_rcu="$GENERATIONS" --set memory.model=cache --set drain=6s
    ./build/rcusim sweep scenarios/rcuscale_kfree.toml --jobs "$J" \
      --set reclaim.kfree_rcu="$GENERATIONS"
    /usr/bin/python3 plot.py results
    # The README's pictures are copies of these.
    mkdir -p docs
    for f in cache_misses-cache_distinct_callbacks timeline-paul_a_to_e barrier_unload \
             trivial_fraction-future_trivial_fraction latency_cdf-trivial_vs_kfree_rcu \
             waiting-trivial_vs_kfree_rcu classic_vs_tree-classic_vs_tree \
             generations-trivial_vs_kfree_rcu generations-rcuscale_kfree; do
      cp "results/$f.png" docs/
    done
    echo "open results/index.html" ;;
  *)
    echo "usage: $0 [run|test|build]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# rcusim on a fresh Debian 12 machine. Installs what is missing (apt-get), builds, then:
#   ./setup.sh          runs the default scenarios into results/ (the main job)
#   ./setup.sh test     builds and runs every test (what CI runs)
#   ./setup.sh build    only installs and builds
set -euo pipefail
cd "$(dirname "$0")"
MODE="${1:-run}"

PKGS=(build-essential cmake pkg-config libsimgrid-dev libboost-dev libfmt-dev doctest-dev
      libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libbenchmark-dev python3-matplotlib
      parallel valgrind)
# The scenarios the main job runs, in this order.
DEFAULT_SCENARIOS=(smoke trivial_vs_kfree_rcu kernel_2_6_27_mix)

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

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"

case "$MODE" in
  build) ;;
  test)
    ctest --test-dir build -j"$(nproc)" --output-on-failure ;;
  run)
    for s in "${DEFAULT_SCENARIOS[@]}"; do
      ./build/rcusim run "scenarios/$s.toml"
    done
    if [ -f plot.py ]; then /usr/bin/python3 plot.py results; fi ;;
  *)
    echo "usage: $0 [run|test|build]" >&2; exit 2 ;;
esac

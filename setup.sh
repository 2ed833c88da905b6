#!/usr/bin/env bash
# Installs what rcusim needs on Debian 12 (only missing packages), then configures and builds.
# Usage: ./setup.sh            install + build (Release, build/)
set -euo pipefail
cd "$(dirname "$0")"

PKGS=(build-essential cmake pkg-config libsimgrid-dev libboost-dev libfmt-dev doctest-dev
      libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libbenchmark-dev python3-matplotlib
      parallel valgrind)

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

BUILD_TYPE="${BUILD_TYPE:-Release}"
cmake -S . -B build -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
cmake --build build -j"$(nproc)"

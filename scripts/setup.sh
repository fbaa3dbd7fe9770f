#!/usr/bin/env bash
# Installs the Debian packages echolab needs to build, test and plot.
# Idempotent: packages already present are left alone, and nothing is
# downloaded when everything is installed.
#
#   scripts/setup.sh          what the build, the tests and the plots need
#   scripts/setup.sh --bench  also python3-torch, for the PyTorch peer of the HSSM
#                             benchmark (bench/hssm_peer_bench.py); a large download
#                             that nothing else needs
set -euo pipefail

bench=0
for argument in "$@"; do
  case "$argument" in
    --bench) bench=1 ;;
    *)
      echo "setup: unknown option '$argument'; expected nothing or --bench" >&2
      exit 2
      ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev libsundials-dev libboost-dev libfmt-dev libsuitesparse-dev
  libgtest-dev libgmock-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  ngspice python3 python3-numpy python3-matplotlib
  libopenmpi-dev openmpi-bin
  chromium
  python3-dev pybind11-dev python3-pybind11 python3-pytest
)
if [ "$bench" -eq 1 ]; then
  packages+=(python3-torch)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are already installed."
  exit 0
fi

echo "setup: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "setup: installing packages needs root, and sudo is not available." >&2
    echo "setup: run this script as root, or install by hand:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done."

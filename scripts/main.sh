#!/usr/bin/env bash
# Installs the dependencies, builds echolab and runs its main job on the
# built-in example: the paper's six-oscillator network, written to
# out/simulate/six_oscillators/ (CSV, meta.json, simulation.png).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
./build/sims/echolab simulate sims/configs/six_oscillators.toml

#!/usr/bin/env bash
# Installs the dependencies, builds echolab and runs its main job: the
# validation of echo learning against the adjoint method on the paper's
# six-oscillator network and a nonlinear network, written to out/validate/
# (report.html with its plots, CSV, summary.json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
./build/sims/echolab validate

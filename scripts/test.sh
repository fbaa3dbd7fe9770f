#!/usr/bin/env bash
# Installs the dependencies, builds echolab and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure --parallel "$jobs"

# The two readers of untrusted files, the netlist parser and the
# configuration loader (with the command line behind it), also run their fuzz
# tests under AddressSanitizer and UndefinedBehaviorSanitizer (with
# float-cast-overflow). The configuration fuzz runs a tenth of its cases
# there (ECHOLAB_FUZZ_SCALE): the sanitized build is about ten times slower.
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DECHOLAB_SANITIZERS="address;undefined" -DECHOLAB_BUILD_BENCH=OFF
cmake --build build-sanitize --parallel "$jobs" \
  --target netlist_parser_test config_fuzz_test echolab
ECHOLAB_FUZZ_SCALE=0.1 ctest --test-dir build-sanitize --output-on-failure --parallel "$jobs" \
  -R '^(netlist_parser_test|config_fuzz_test)\.'

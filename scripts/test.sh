#!/usr/bin/env bash
# Installs the dependencies, builds echolab and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure --parallel "$jobs"

# The netlist parser, which reads untrusted files, also runs under
# AddressSanitizer and UndefinedBehaviorSanitizer (with float-cast-overflow).
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DECHOLAB_SANITIZERS="address;undefined" -DECHOLAB_BUILD_BENCH=OFF
cmake --build build-sanitize --parallel "$jobs" --target netlist_parser_test
ctest --test-dir build-sanitize --output-on-failure --parallel "$jobs" -R '^netlist_parser_test\.'

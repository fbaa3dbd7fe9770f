#!/usr/bin/env bash
# Trains each configuration with the echo (rhel) and with backpropagation
# through time (bptt) over several seeds, then tabulates and plots the test
# metrics side by side.
#
# Usage: scripts/compare_rules.sh [-s SEEDS] [-j JOBS] [-o DIR] CONFIG.toml...
#   -s SEEDS  comma-separated seeds of the initialisation and the batch order
#             (default 1,2,3); the data and its split stay those of the file
#   -j JOBS   training runs at a time (default: the number of cores)
#   -o DIR    output directory (default out/compare)
# Writes DIR/<config>/<rule>_seed<k>/ (the runs, resumable: a finished run is
# not redone), DIR/comparison.csv, DIR/comparison.md and DIR/curves_<config>.png.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=1,2,3
jobs=$(nproc 2>/dev/null || echo 2)
out=out/compare
while getopts "s:j:o:" option; do
  case "$option" in
    s) seeds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    o) out=$OPTARG ;;
    *) sed -n '2,12p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ "$#" -eq 0 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
echolab=${ECHOLAB:-build/sims/echolab}
[ -x "$echolab" ] || { echo "compare_rules: $echolab is missing; run scripts/build.sh" >&2; exit 2; }

runs=()
for config in "$@"; do
  [ -f "$config" ] || { echo "compare_rules: $config: no such file" >&2; exit 2; }
  name=$(basename "$config" .toml)
  for seed in ${seeds//,/ }; do
    for rule in rhel bptt; do
      runs+=("$config $out/$name/${rule}_seed$seed $rule $seed")
    done
  done
done

run_one() {
  local config=$1 dir=$2 rule=$3 seed=$4
  if [ -f "$dir/summary.json" ]; then
    echo "compare_rules: $dir is done"
    return
  fi
  local resume=()
  [ -f "$dir.in-progress/checkpoint.json" ] && resume=(--resume)
  echo "compare_rules: $dir"
  "$echolab" train "$config" --grad "$rule" --seed "$seed" -o "$dir" -q --no-plot "${resume[@]}"
}
export -f run_one
export echolab
printf '%s\n' "${runs[@]}" | xargs -P "$jobs" -L 1 bash -c 'run_one $0 $1 $2 $3'
"${ECHOLAB_PYTHON:-/usr/bin/python3}" sims/plot/plot_rule_comparison.py "$out"

#!/usr/bin/env bash
# Trains each configuration with the echo (rhel) and with backpropagation
# through time (bptt) over several seeds, then tabulates and plots the test
# metrics side by side.
#
# Usage: scripts/compare_rules.sh [-s SEEDS] [-j JOBS] [-o DIR] [-f FORMAT] CONFIG.toml...
#   -s SEEDS   comma-separated seeds of the initialisation and the batch order
#              (default 1,2,3); the data and its split stay those of the file
#   -j JOBS    training runs at a time (default: the number of cores)
#   -o DIR     output directory (default out/compare)
#   -f FORMAT  file format of the figures: png (default), svg or pdf
#   -h         print this help
# Paths are relative to the folder it is called from. Prints a line as each
# run starts and ends ([k/N]). Writes DIR/<config>/<rule>_seed<k>/ (the runs,
# resumable: a finished run is not redone), DIR/comparison.csv,
# DIR/comparison.md and DIR/curves_<config>.FORMAT.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
seeds=1,2,3
jobs=$(nproc 2>/dev/null || echo 2)
out=out/compare
format=png
while getopts "s:j:o:f:h" option; do
  case "$option" in
    s) seeds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    o) out=$OPTARG ;;
    f) format=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ "$#" -eq 0 ]; then
  usage >&2
  exit 2
fi
case "$format" in
  png | svg | pdf) ;;
  *) echo "compare_rules: -f: expected png, svg or pdf, got '$format'" >&2; exit 2 ;;
esac
echolab=${ECHOLAB:-$root/build/sims/echolab}
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

# One training run; its number and the total prefix its progress lines.
run_one() {
  local number=$1 config=$2 dir=$3 rule=$4 seed=$5
  local tag="compare_rules: [$number/$total]"
  if [ -f "$dir/summary.json" ]; then
    echo "$tag $dir is done already"
    return
  fi
  local resume=()
  [ -f "$dir.in-progress/checkpoint.json" ] && resume=(--resume)
  echo "$tag started $dir"
  local start=$SECONDS
  "$echolab" train "$config" --grad "$rule" --seed "$seed" -o "$dir" -q --no-plot "${resume[@]}"
  echo "$tag finished $dir in $((SECONDS - start)) s"
}
export -f run_one
export echolab
export total=${#runs[@]}
for k in "${!runs[@]}"; do echo "$((k + 1)) ${runs[$k]}"; done |
  xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' run_one
echo "compare_rules: all $total runs done; tabulating and plotting"
"${ECHOLAB_PYTHON:-/usr/bin/python3}" "$root/sims/plot/plot_rule_comparison.py" "$out" \
  --format "$format"

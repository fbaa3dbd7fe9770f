#!/usr/bin/python3
"""One gradient step of the same Hamiltonian SSM by echolab RHEL, echolab BPTT and PyTorch
BPTT (bench/hssm_torch_peer.py), side by side: the runs alternate, round by round.

    hssm_peer_bench.py --bench build/bench/echolab_hssm_bench [--rounds 3] [--threads 2]
                       [--settings 896x32,16000x4] [--layers 6 --hidden 64 --state 256]
                       [--inputs 6] [--dir out/peer]

A setting KxB is a sequence length K and a batch B. Each round runs echolab_hssm_bench once
(one RHEL and one BPTT gradient, writing the checkpoint and batch for the peer) and then the
peer once, each in its own process. Prints the median and [min, max] of each figure over the
rounds as a Markdown table, and the gradients' relative differences: the same model has the
same gradient. Needs PyTorch: `scripts/setup.sh --bench` installs Debian's python3-torch.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys

PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hssm_torch_peer.py")


def run_echolab(args, length, batch):
    out = os.path.join(args.dir, f"echolab_{length}.json")
    subprocess.run([args.bench, "--lengths", str(length), "--batch", str(batch), "--layers",
                    str(args.layers), "--hidden", str(args.hidden), "--state", str(args.state),
                    "--inputs", str(args.inputs), "--threads", str(args.threads), "--model-only",
                    "--peer", args.dir, "--json", out], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        rows = json.load(f)["rows"]
    return {row["rule"]: row for row in rows}


def run_peer(args, length):
    result = subprocess.run([sys.executable, PEER, args.dir, str(length), "--threads",
                             str(args.threads)], check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def summary(values):
    return f"{statistics.median(values):.3f} [{min(values):.3f}, {max(values):.3f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="the echolab_hssm_bench executable")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--settings", default="896x32,16000x4")
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--state", type=int, default=256)
    parser.add_argument("--inputs", type=int, default=6)
    parser.add_argument("--dir", default="out/hssm_peer")
    args = parser.parse_args()
    if importlib.util.find_spec("torch") is None:
        sys.exit(f"hssm_peer_bench.py: PyTorch is not installed for {sys.executable}; install "
                 "it with `scripts/setup.sh --bench` (Debian's python3-torch)")
    os.makedirs(args.dir, exist_ok=True)
    print(f"{args.layers} linear blocks, hidden {args.hidden}, state {args.state}, "
          f"{args.inputs} inputs; {args.threads} thread(s); {args.rounds} rounds\n")
    print("| K | batch | run | wall s, median [min, max] | CPU s | added peak MiB | "
          "wall / PyTorch BPTT |")
    print("|---:|---:|---|---|---|---:|---:|")
    checks = []
    for setting in args.settings.split(","):
        length, batch = (int(v) for v in setting.split("x"))
        times = {"echolab RHEL": [], "echolab BPTT": [], "PyTorch BPTT": []}
        cpu = {name: [] for name in times}
        memory = {name: [] for name in times}
        for _ in range(args.rounds):
            echolab = run_echolab(args, length, batch)
            peer = run_peer(args, length)
            for name, row in (("echolab RHEL", echolab["rhel"]), ("echolab BPTT", echolab["bptt"])):
                times[name].append(row["model_wall_time_s"])
                cpu[name].append(row["model_cpu_time_s"])
                memory[name].append(row["model_added_MiB"])
            times["PyTorch BPTT"].append(peer["wall_time_s"])
            cpu["PyTorch BPTT"].append(peer["cpu_time_s"])
            memory["PyTorch BPTT"].append(peer["added_MiB"])
        torch_median = statistics.median(times["PyTorch BPTT"])
        for name in times:
            print(f"| {length:,} | {batch} | {name} | {summary(times[name])} | "
                  f"{summary(cpu[name])} | {statistics.median(memory[name]):.0f} | "
                  f"{statistics.median(times[name]) / torch_median:.3f} |")
        checks.append((length, batch, peer))
    print()
    for length, batch, peer in checks:
        print(f"K = {length:,}, batch {batch}: |PyTorch - echolab BPTT| / |echolab BPTT| = "
              f"{peer['vs_echolab_bptt']:.1e}, |PyTorch - echolab RHEL| / |...| = "
              f"{peer['vs_echolab_rhel']:.1e}, echolab RHEL vs BPTT {peer['echolab_rhel_vs_bptt']:.1e}; "
              f"PyTorch's float64 products of the model's shape run at "
              f"{peer['matmul_gflops']:.1f} GFLOP/s")


if __name__ == "__main__":
    main()

"""Tables and plots of scripts/compare_rules.sh: the echo (rhel) against
backpropagation through time (bptt), over seeds, for each configuration.

Usage: plot_rule_comparison.py DIR [--format png|svg|pdf]
Reads DIR/<config>/<rule>_seed<k>/{summary.json,metrics.csv} and writes
  comparison.csv       one row per run: config, rule, seed, task, metric, best
                       step, best validation metric, test loss and metric, time
  comparison.md        per configuration and rule: test metric mean ± standard
                       deviation over seeds (n - 1), each seed's value, and
                       whether the two rules are within one standard deviation
  curves_<config>      validation metric against the step, mean over seeds
                       with the range of the seeds shaded, one colour per rule
"""
import csv
import glob
import json
import os
import re
import sys

import matplotlib.pyplot as plt
import numpy as np

import figure_output

RULES = ("rhel", "bptt")


def read_runs(root):
    runs = []
    for summary_path in sorted(glob.glob(f"{root}/*/*_seed*/summary.json")):
        run_dir = os.path.dirname(summary_path)
        match = re.fullmatch(r"(rhel|bptt)_seed(\d+)", os.path.basename(run_dir))
        if not match:
            continue
        with open(summary_path) as stream:
            summary = json.load(stream)
        with open(f"{run_dir}/metrics.csv") as stream:
            metrics = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(stream)]
        runs.append({"config": os.path.basename(os.path.dirname(run_dir)),
                     "rule": match.group(1), "seed": int(match.group(2)),
                     "summary": summary, "metrics": metrics})
    return runs


def write_csv(runs, path):
    with open(path, "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["config", "rule", "seed", "task", "metric", "best_step",
                         "best_validation_metric", "test_loss", "test_metric", "wall_time_s"])
        for r in runs:
            s = r["summary"]
            writer.writerow([r["config"], r["rule"], r["seed"], s["task"], s["metric"],
                             s["best_step"], s["best_validation_metric"], s["test_loss"],
                             s["test_metric"], s["wall_time_s"]])


def statistics(values):
    values = np.asarray(values, dtype=float)
    std = float(np.std(values, ddof=1)) if len(values) > 1 else float("nan")
    return float(np.mean(values)), std


def write_markdown(runs, path):
    lines = ["| configuration | task | metric | rule | test metric, mean ± std | seeds | "
             "within one std |", "|---|---|---|---|---|---|---|"]
    for config in sorted({r["config"] for r in runs}):
        chosen = [r for r in runs if r["config"] == config]
        by_rule = {rule: sorted((r for r in chosen if r["rule"] == rule), key=lambda r: r["seed"])
                   for rule in RULES}
        stats = {rule: statistics([r["summary"]["test_metric"] for r in by_rule[rule]])
                 for rule in RULES if by_rule[rule]}
        verdict = ""
        if len(stats) == 2:
            gap = abs(stats["rhel"][0] - stats["bptt"][0])
            verdict = "yes" if gap <= max(stats["rhel"][1], stats["bptt"][1]) else "no"
            verdict += f" (gap {gap:.3g})"
        for rule in RULES:
            if not by_rule[rule]:
                continue
            s = by_rule[rule][0]["summary"]
            mean, std = stats[rule]
            seeds = ", ".join(f"{r['seed']}: {r['summary']['test_metric']:.4g}"
                              for r in by_rule[rule])
            lines.append(f"| {config} | {s['task']} | {s['metric']} | {rule} | "
                         f"{mean:.4g} ± {std:.2g} | {seeds} | {verdict if rule == 'bptt' else ''} |")
    with open(path, "w") as stream:
        stream.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def plot_curves(runs, config, out):
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    metric = "metric"
    for colour, rule in zip(("C0", "C3"), RULES):
        chosen = [r for r in runs if r["config"] == config and r["rule"] == rule]
        if not chosen:
            continue
        metric = chosen[0]["summary"]["metric"]
        length = min(len(r["metrics"]) for r in chosen)
        steps = [row["step"] for row in chosen[0]["metrics"][:length]]
        values = np.array([[row["validation_metric"] for row in r["metrics"][:length]]
                           for r in chosen])
        ax.plot(steps, values.mean(axis=0), color=colour, label=f"{rule} (mean of {len(chosen)})")
        ax.fill_between(steps, values.min(axis=0), values.max(axis=0), color=colour, alpha=0.2)
    ax.set_xlabel("optimiser step")
    ax.set_ylabel(f"validation {metric}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{config}: echo (rhel) against BPTT, seeds shaded", fontsize=10)
    fig.tight_layout()
    figure_output.save(fig, *out)


def main():
    arguments = figure_output.argument_parser(__doc__).parse_args()
    root = arguments.run_dir
    runs = read_runs(root)
    if not runs:
        sys.exit(f"plot_rule_comparison: no finished runs under {root}")
    write_csv(runs, f"{root}/comparison.csv")
    write_markdown(runs, f"{root}/comparison.md")
    for config in sorted({r["config"] for r in runs}):
        plot_curves(runs, config, (root, f"curves_{config}", arguments.format))


if __name__ == "__main__":
    main()

"""RHEL against BPTT on a Hamiltonian SSM, from the alignment.csv of `echolab gradcheck`.

Usage: plot_hssm_gradcheck.py RUN_DIR
  alignment.png  top: cosine similarity and norm ratio of each HRU block's parameter
                 gradients, per kind of parameter, at the first step and the β closest
                 to 0.1 (the RHEL paper's Fig. 4); bottom: the relative error of the
                 whole layer against β, one line per block and step δ.
"""
import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_rows(path):
    with open(path) as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        for key in ("step", "beta", "cosine", "norm_ratio", "relative_error"):
            row[key] = float(row[key])
        row["block"] = int(row["block"])
    return rows


def bar_panel(ax, rows, key, label):
    groups = [g for g in dict.fromkeys(r["group"] for r in rows) if g != "all"] + ["all"]
    blocks = sorted({r["block"] for r in rows})
    width = 0.8 / len(groups)
    for k, group in enumerate(groups):
        values = {r["block"]: r[key] for r in rows if r["group"] == group}
        ax.bar([b + (k - (len(groups) - 1) / 2) * width for b in blocks],
               [values.get(b, math.nan) for b in blocks], width, label=group)
    ax.axhline(1.0, color="0.4", lw=0.8, ls="--")
    ax.set_xticks(blocks)
    ax.set_xlabel("HRU block")
    ax.set_ylabel(label)
    ax.grid(alpha=0.3, axis="y")


def main(run_dir):
    rows = read_rows(f"{run_dir}/alignment.csv")
    steps = list(dict.fromkeys(r["step"] for r in rows))
    betas = sorted({r["beta"] for r in rows})
    beta = min(betas, key=lambda b: abs(math.log(b / 0.1)))
    shown = [r for r in rows if r["step"] == steps[0] and r["beta"] == beta]
    fig = plt.figure(figsize=(11, 7.5))
    cosine_ax = fig.add_subplot(2, 2, 1)
    ratio_ax = fig.add_subplot(2, 2, 2)
    error_ax = fig.add_subplot(2, 1, 2)
    bar_panel(cosine_ax, shown, "cosine", "cosine similarity")
    bar_panel(ratio_ax, shown, "norm_ratio", "norm ratio |RHEL| / |BPTT|")
    cosine_ax.set_title(f"step {steps[0]:g}, beta {beta:g}", fontsize=9)
    ratio_ax.legend(fontsize=7, ncol=2)
    for k, step in enumerate(steps):
        for block in sorted({r["block"] for r in rows}):
            line = sorted((r["beta"], r["relative_error"]) for r in rows
                          if r["step"] == step and r["block"] == block and r["group"] == "all")
            error_ax.plot([b for b, _ in line], [max(e, 1e-17) for _, e in line], "o-", ms=3,
                          color=f"C{k}", label=f"step {step:g}" if block == 0 else None)
    error_ax.set_xscale("log")
    error_ax.set_yscale("log")
    error_ax.set_xlabel("beta")
    error_ax.set_ylabel("|RHEL - BPTT| / |BPTT| (layer)")
    error_ax.grid(alpha=0.3, which="both")
    error_ax.legend(fontsize=8, title="one line per block", title_fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{run_dir}/alignment.png", dpi=120)


if __name__ == "__main__":
    main(sys.argv[1])

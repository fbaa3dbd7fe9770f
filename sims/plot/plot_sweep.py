"""Plots of an `echolab sweep` run, from RUN_DIR/results.csv.

Usage: plot_sweep.py RUN_DIR
  error_vs_gamma.png  relative error against γT (damping rate × the duration
                      of meta.json), one line per echo variant
  error_vs_beta.png   relative error against β, one line per noise level
  heatmap.png         mean error over β and kB T (the most common variant)
  heatmap_<a>__<b>.png mean error over every pair of swept numeric knobs, the
                      other knobs averaged over
  error_vs_<knob>.png relative error against each swept imperfection (the knobs
                      that meta.json's list marks so: damping spread, flip gain
                      error, flip noise, parameter drift, input time offset and
                      jitter, read-out noise and bits)
  error_vs_conductance_scale.png  a circuit's resistors scaled, by echo variant
  bias_spread_vs_beta.png  from seed_statistics.csv: the bias of the mean echo
                      and the spread over seeds against β, by noise level
Each point is the mean over seeds; failed points are left out.
"""
import collections
import csv
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_knobs(run_dir):
    """The numeric knobs of meta.json's list (the columns of results.csv before
    `status`): the imperfections, and all of them (the others first)."""
    with open(f"{run_dir}/meta.json") as stream:
        knobs = json.load(stream).get("knobs")
    if knobs is None:
        sys.exit(f"{run_dir}/meta.json: no list of knobs (written by an older echolab); "
                 "run the sweep again to redraw its figures")
    numeric = [k for k in knobs if k["kind"] in ("number", "integer") and k["name"] != "seed"]
    imperfections = tuple(k["name"] for k in numeric if k["imperfection"])
    own = tuple(k["name"] for k in numeric if not k["imperfection"])
    return imperfections, own + imperfections


def read_rows(path, numeric):
    with open(path) as stream:
        rows = [r for r in csv.DictReader(stream) if r["status"] == "success"]
    for r in rows:
        for key in numeric + ("relative_error",):
            r[key] = float(r[key])
    return rows


def mean_by(rows, keys):
    groups = collections.defaultdict(list)
    for r in rows:
        groups[tuple(r[k] for k in keys)].append(r["relative_error"])
    return {k: float(np.mean(v)) for k, v in groups.items()}


def most_common(rows, key):
    return collections.Counter(r[key] for r in rows).most_common(1)[0][0]


def plot_lines(rows, x_key, line_key, fixed, out, xlabel, title, x_scale=1.0):
    chosen = [r for r in rows if all(r[k] == v for k, v in fixed.items())]
    means = {(line, x * x_scale): value
             for (line, x), value in mean_by(chosen, (line_key, x_key)).items()}
    if len({x for (_, x) in means if x > 0}) < 2:
        return  # nothing swept along this axis
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for line in sorted({k[0] for k in means}, key=str):
        xs = sorted(x for (l, x) in means if l == line and x > 0)
        if not xs:
            continue
        ax.loglog(xs, [means[(line, x)] for x in xs], "o-", label=f"{line_key} = {line}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("relative error of dL/dθ (mean over seeds)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def draw_grid(grid, xs, ys, xlabel, ylabel, colour_label, title, out):
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels([f"{x:g}" for x in xs], rotation=45)
    ax.set_yticks(range(len(ys)))
    ax.set_yticklabels([f"{y:g}" for y in ys])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.colorbar(image, ax=ax, label=colour_label)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_heatmap(rows, out):
    damping = most_common(rows, "echo_damping")
    gamma = most_common(rows, "decay_rate_per_s")
    chosen = [r for r in rows if r["echo_damping"] == damping and r["decay_rate_per_s"] == gamma]
    means = mean_by(chosen, ("thermal_energy_J", "beta"))
    temps = sorted({k[0] for k in means})
    betas = sorted({k[1] for k in means})
    grid = np.full((len(temps), len(betas)), np.nan)
    for (t, b), value in means.items():
        grid[temps.index(t), betas.index(b)] = math.log10(value)
    draw_grid(grid, betas, temps, "β", "kB T (J)", "log10 relative error",
              f"echo {damping}, γ = {gamma:g} 1/s", out)


def plot_pair_heatmap(rows, x_key, y_key, out):
    """Mean log10 error over the grid of two knobs, every other knob averaged."""
    groups = collections.defaultdict(list)
    for r in rows:
        if r["relative_error"] > 0:
            groups[(r[y_key], r[x_key])].append(math.log10(r["relative_error"]))
    ys = sorted({k[0] for k in groups})
    xs = sorted({k[1] for k in groups})
    grid = np.full((len(ys), len(xs)), np.nan)
    for (y, x), values in groups.items():
        grid[ys.index(y), xs.index(x)] = float(np.mean(values))
    draw_grid(grid, xs, ys, x_key.replace("_", " "), y_key.replace("_", " "),
              "mean log10 relative error",
              f"Echo error over {x_key} and {y_key} (other knobs averaged)", out)


def plot_bias_spread(run_dir, numeric):
    """Bias and spread over seeds against β, one colour per noise level."""
    try:
        with open(f"{run_dir}/seed_statistics.csv") as stream:
            groups = [g for g in csv.DictReader(stream) if int(g["seeds"]) > 1]
    except FileNotFoundError:
        return
    groups = [g for g in groups if math.isfinite(float(g["spread_relative"]))
              and g["echo_damping"] == "naive"]
    if len({g["beta"] for g in groups}) < 2:
        return
    # The other knobs at their smallest swept value.
    for knob in numeric:
        if knob not in ("beta", "thermal_energy_J"):
            smallest = min(float(g[knob]) for g in groups)
            groups = [g for g in groups if float(g[knob]) == smallest]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for i, kT in enumerate(sorted({float(g["thermal_energy_J"]) for g in groups})):
        chosen = sorted((float(g["beta"]), float(g["bias_relative"]), float(g["spread_relative"]))
                        for g in groups if float(g["thermal_energy_J"]) == kT)
        if not chosen:
            continue
        betas, bias, spread = zip(*chosen)
        colour = f"C{i}"
        ax.loglog(betas, bias, "o-", color=colour, label=f"bias, kB T = {kT:g} J")
        ax.loglog(betas, spread, "s--", color=colour, label=f"spread, kB T = {kT:g} J")
    ax.set_xlabel("nudging strength β")
    ax.set_ylabel("relative to |dL/dθ| of the noise-free adjoint")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    ax.set_title("Bias of the seed-averaged echo and spread over seeds", fontsize=10)
    fig.tight_layout()
    fig.savefig(f"{run_dir}/bias_spread_vs_beta.png", dpi=110)
    plt.close(fig)


def main():
    run_dir = sys.argv[1]
    imperfections, numeric = read_knobs(run_dir)
    rows = read_rows(f"{run_dir}/results.csv", numeric)
    if not rows:
        return
    rows_ideal = [r for r in rows if all(r[k] == 0.0 for k in imperfections)]
    with open(f"{run_dir}/meta.json") as stream:
        duration_s = json.load(stream)["duration_s"]
    plot_lines(rows_ideal, "decay_rate_per_s", "echo_damping",
               {"beta": min(r["beta"] for r in rows),
                "thermal_energy_J": min(r["thermal_energy_J"] for r in rows)},
               f"{run_dir}/error_vs_gamma.png",
               f"γT: damping rate × duration (T = {duration_s:g} s)",
               "Echo error against damping, by echo variant", x_scale=duration_s)
    plot_lines(rows_ideal, "beta", "thermal_energy_J",
               {"echo_damping": "naive",
                "decay_rate_per_s": min(r["decay_rate_per_s"] for r in rows)},
               f"{run_dir}/error_vs_beta.png", "nudging strength β",
               "Echo error against β, by noise level kB T (J)")
    if rows_ideal:
        plot_heatmap(rows_ideal, f"{run_dir}/heatmap.png")
    swept = [k for k in numeric if len({r[k] for r in rows}) > 1]
    for i, x_key in enumerate(swept):
        for y_key in swept[i + 1:]:
            plot_pair_heatmap(rows, x_key, y_key, f"{run_dir}/heatmap_{x_key}__{y_key}.png")
    if len({r["conductance_scale"] for r in rows}) > 1:
        plot_lines([r for r in rows_ideal if r["thermal_energy_J"] == 0.0], "conductance_scale",
                   "echo_damping", {"beta": min(r["beta"] for r in rows)},
                   f"{run_dir}/error_vs_conductance_scale.png",
                   "conductance scale (× the netlist's 1/R)",
                   "Echo error against the circuit's resistors, by echo variant")
    plot_bias_spread(run_dir, numeric)
    for knob in imperfections:
        values = {r[knob] for r in rows}
        if len(values) < 2:
            continue
        others = [k for k in imperfections if k != knob]
        chosen = [r for r in rows if all(r[k] == 0.0 for k in others)
                  and r["thermal_energy_J"] == 0.0]
        if not chosen:
            continue
        damping = most_common(chosen, "echo_damping")
        chosen = [r for r in chosen if r["echo_damping"] == damping]
        plot_lines(chosen, knob, "beta",
                   {"decay_rate_per_s": min(r["decay_rate_per_s"] for r in chosen)},
                   f"{run_dir}/error_vs_{knob}.png", knob.replace("_", " "),
                   f"Echo error against {knob.replace('_', ' ')}, by β")


if __name__ == "__main__":
    main()

"""Plots of `echolab validate`: one figure per CSV of the run directory,
then the self-contained report.html (html_report.py).

Usage: plot_validation.py RUN_DIR [--format png|svg|pdf]
  lambda_<id>.csv      -> lambda_<id>      (adjoint lines, echo points)
  beta_<id>.csv        -> beta_<id>        (log-log error against beta)
  integrators_<id>.csv -> integrators_<id> (error against steps per scheme)
  parameters_<id>.csv  -> parameters_<id>  (per-parameter bars of the
                          scale-free dL/d ln θ = θ dL/dθ)
  ngspice_<id>.csv     -> ngspice_<id>     (echolab against ngspice, with differences)
  cost_<id>.csv        -> cost_<id>        (echo's device cost against the adjoint's digital cost)
The robustness/ subfolder is drawn by plot_sweep.py before this script runs.
"""
import csv
import glob
import os

import matplotlib.pyplot as plt
import numpy as np

import figure_output
import html_report


def read_columns(path):
    with open(path) as stream:
        rows = list(csv.DictReader(stream))
    return rows


def plot_lambda(path, out):
    data = np.genfromtxt(path, delimiter=",", names=True)
    names = data.dtype.names
    n = sum(1 for name in names if name.startswith("adjoint_lambda_q_"))
    # The read-out and driven oscillators are the interesting ones; show the
    # position and momentum components of up to four oscillators.
    chosen = [i for i in (1, 4, n) if i <= n]
    chosen = sorted(set(chosen))
    t = data["t_s"]
    stride = max(1, len(t) // 80)  # about 80 echo points over the line
    fig, axes = plt.subplots(len(chosen), 2, figsize=(10, 2.2 * len(chosen)), sharex=True,
                             squeeze=False)
    for row, i in enumerate(chosen):
        for col, part in enumerate(("q", "p")):
            ax = axes[row][col]
            ax.plot(t, data[f"adjoint_lambda_{part}_{i}"], color="C0", lw=1.2,
                    label="adjoint (CVODES)")
            ax.plot(t[::stride], data[f"echo_lambda_{part}_{i}"][::stride], "o", color="C3",
                    ms=3, label="echo estimate")
            ax.set_ylabel(f"λ_{part}{i}")
            ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    for col in range(2):
        axes[-1][col].set_xlabel("time t (s)")
    fig.suptitle("λ(t) = dL/dx(t): adjoint against echo")
    fig.tight_layout()
    figure_output.save(fig, *out)


def fitted_slope(x, y):
    return np.polyfit(np.log(x), np.log(y), 1)[0]


def plot_beta(path, out):
    rows = read_columns(path)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for estimator, color, expected in (("centred", "C0", 2), ("one_sided", "C1", 1)):
        beta = np.array([float(r["beta"]) for r in rows if r["estimator"] == estimator])
        error = np.array([float(r["relative_error"]) for r in rows
                          if r["estimator"] == estimator])
        small = beta <= 0.1
        slope = fitted_slope(beta[small], error[small])
        ax.loglog(beta, error, "o-", color=color,
                  label=f"{estimator.replace('_', '-')}: slope {slope:.2f} (expected {expected})")
    ax.set_xlabel("nudging strength β")
    ax.set_ylabel("relative error of dL/dθ")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9)
    ax.set_title("Echo error against β")
    fig.tight_layout()
    figure_output.save(fig, *out)


def plot_integrators(path, out):
    rows = read_columns(path)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    schemes = []
    for r in rows:
        if r["scheme"] not in schemes:
            schemes.append(r["scheme"])
    for k, scheme in enumerate(schemes):
        mine = [r for r in rows if r["scheme"] == scheme]
        steps = np.array([float(r["steps"]) for r in mine])
        error = np.array([float(r["relative_error"]) for r in mine])
        kind = mine[0]["kind"]
        label = f"{scheme} ({'step' if kind == 'fixed' else 'rtol'} "
        label += f"{mine[0]['setting']}..{mine[-1]['setting']})"
        ax.loglog(steps, error, "o-" if kind == "fixed" else "s--", color=f"C{k}", label=label)
    ax.set_xlabel("integrator steps over all passes")
    ax.set_ylabel("relative error of dL/dθ vs adjoint")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ax.set_title("Echo error by integrator: fixed step (solid), adaptive (dashed)")
    fig.tight_layout()
    figure_output.save(fig, *out)


LABELS = {"echo": "echo", "adjoint": "adjoint (CVODES)", "fd": "finite differences"}


def plot_parameters(path, out):
    rows = read_columns(path)
    names = [r["parameter"] for r in rows]
    x = np.arange(len(names))
    width = 0.27
    fig, ax = plt.subplots(figsize=(max(7, 0.35 * len(names)), 4.5))
    for k, method in enumerate(("echo", "adjoint", "fd")):
        # Scale-free: the change of L for a 100 % change of each parameter.
        ax.bar(x + (k - 1) * width, [float(r["value"]) * float(r[method]) for r in rows], width,
               label=LABELS[method])
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=90, fontsize=8)
    ax.set_ylabel("dL/d ln θ = θ dL/dθ (units of L)")
    ax.axhline(0, color="k", lw=0.6)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=9)
    ax.set_title("Per-parameter gradients, scale-free")
    fig.tight_layout()
    figure_output.save(fig, *out)


def plot_ngspice(path, out):
    data = np.genfromtxt(path, delimiter=",", names=True)
    t = data["t_s"] * 1e9
    fig, (ax, ax_diff) = plt.subplots(2, 1, figsize=(9, 6), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1.3]})
    for k, node in enumerate(("n1", "n2", "n3")):
        ax.plot(t, data[f"echolab_{node}"], color=f"C{k}", lw=1.2, label=f"v({node}) echolab")
        ax.plot(t, data[f"ngspice_{node}"], color="k", lw=0.8, ls="--",
                label="ngspice" if k == 0 else None)
        ax_diff.plot(t, data[f"echolab_{node}"] - data[f"ngspice_{node}"], color=f"C{k}", lw=0.8)
    ax.set_ylabel("node voltage (V)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    ax.set_title("LC ladder: echolab against ngspice")
    ax_diff.set_ylabel("echolab − ngspice (V)")
    ax_diff.set_xlabel("time t (ns)")
    ax_diff.grid(alpha=0.3)
    fig.tight_layout()
    figure_output.save(fig, *out)


def plot_cost(path, out):
    rows = read_columns(path)
    substrates = list(dict.fromkeys(r["substrate"] for r in rows))
    echo = {r["substrate"]: r for r in rows if r["method"] == "echo"}
    adjoint = {r["substrate"]: r for r in rows if r["method"] == "adjoint"}
    x = np.arange(len(substrates))
    fig, (ax_energy, ax_flops) = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, (key, label) in enumerate([("input_work_J", "input work"),
                                      ("nudge_work_J", "nudge work"),
                                      ("dissipated_J", "dissipated")]):
        values = [abs(float(echo[s][key])) for s in substrates]
        ax_energy.bar(x + (k - 1) * 0.25, values, 0.25, label=label, color=f"C{k}")
    ax_energy.set_yscale("log")
    ax_energy.set_xticks(x, substrates)
    ax_energy.set_ylabel("|energy| over the echo's passes (J)")
    ax_energy.set_title("echo: energy the device exchanges")
    ax_energy.legend()
    ax_flops.bar(x, [float(adjoint[s]["digital_flops"]) for s in substrates], 0.5, color="C4")
    ax_flops.set_yscale("log")
    ax_flops.set_xticks(x, substrates)
    ax_flops.set_ylabel("floating-point operations")
    ax_flops.set_title("adjoint: digital cost of one gradient")
    fig.tight_layout()
    figure_output.save(fig, *out)


PLOTTERS = {"lambda_": plot_lambda, "beta_": plot_beta, "integrators_": plot_integrators,
            "parameters_": plot_parameters, "ngspice_": plot_ngspice,
            "cost_": plot_cost}


def main():
    arguments = figure_output.argument_parser(__doc__).parse_args()
    run_dir, file_format = arguments.run_dir, arguments.format
    for path in sorted(glob.glob(os.path.join(run_dir, "*.csv"))):
        stem = os.path.splitext(os.path.basename(path))[0]
        for prefix, plot in PLOTTERS.items():
            if stem.startswith(prefix):
                plot(path, (run_dir, stem, file_format))
    html_report.write_report(run_dir, file_format)


if __name__ == "__main__":
    main()

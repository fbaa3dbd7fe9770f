"""Plots of an `echolab sweep` run, from RUN_DIR/results.csv.

Usage: plot_sweep.py RUN_DIR [--format png|svg|pdf]
  error_vs_gamma      relative error against γT (damping rate × the duration
                      of meta.json), one line per echo variant
  error_vs_beta       relative error against β, one line per noise level
  heatmap_<a>__<b>    error over a full-factorial slice of two swept knobs,
                      every other knob fixed (named in the title): the values
                      of each knob that were run at two or more values of the
                      other, at the fixed values that cover the most cells
  heatmaps            all of those in one figure, on one colour scale
  error_vs_<knob>     relative error against each swept imperfection (flip gain
                      error, flip noise, parameter drift, input time offset and
                      jitter, read-out noise and bits, damping spread), on a
                      symmetric-log axis that shows the ideal point (0)
  error_vs_conductance_scale  a circuit's resistors scaled, by echo variant
  bias_spread_vs_beta  from seed_statistics.csv: the bias of the mean echo
                      and the spread over seeds against β, by noise level
Each point is the mean over its successful seeds. Failed points are drawn as
red crosses on the x axis of the line plots and as "failed" cells of the heat
maps; cells of a heat map that were not run say "not run". Lines that overlap
(every point within 0.1 %) are drawn once, with every label they stand for.
"""
import collections
import csv
import json
import math

import matplotlib.colors
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

import figure_output

# Each numeric column of results.csv: axis label (words and units), and the
# symbol and unit that name a fixed value in a title.
KNOBS = {
    "beta": ("nudging strength β", "β", ""),
    "decay_rate_per_s": ("damping rate γ (1/s)", "γ", " 1/s"),
    "thermal_energy_J": ("thermal energy kB T (J)", "kB T", " J"),
    "echo_repeats": ("echoes averaged per gradient", "repeats", ""),
    "conductance_scale": ("conductance scale (× the netlist's 1/R)", "G scale", ""),
    "flip_gain_error": ("momentum-flip gain error (relative)", "flip gain error", ""),
    "flip_noise_relative": ("momentum-flip noise (relative to |p|)", "flip noise", ""),
    "parameter_drift_relative": ("parameter drift between passes (relative)", "drift", ""),
    "input_time_offset_s": ("input time offset (s)", "input offset", " s"),
    "input_time_jitter_s": ("input timing jitter (s)", "input jitter", " s"),
    "readout_noise_relative": ("read-out noise (relative to the read-out)", "read-out noise",
                               ""),
    "readout_bits": ("read-out resolution (bits; 0 = unquantised)", "read-out bits", ""),
    "decay_rate_spread": ("spread of the damping rates (relative)", "γ spread", ""),
}
IMPERFECTIONS = ("flip_gain_error", "flip_noise_relative", "parameter_drift_relative",
                 "input_time_offset_s", "input_time_jitter_s", "readout_noise_relative",
                 "readout_bits", "decay_rate_spread")
CATEGORICAL = {"echo_damping": "echo variant"}
ERROR_LABEL = "relative error of dL/dθ"


def adopt_knobs(run_dir):
    """The sweep's knobs from meta.json's list (the table of sims/sweep/sweep_point.cpp):
    which are imperfections, and every numeric knob, a new one labelled with its name and
    unit until KNOBS gives it words. A folder written before the list existed keeps the
    built-in tables."""
    global IMPERFECTIONS
    with open(f"{run_dir}/meta.json") as stream:
        knobs = json.load(stream).get("knobs")
    if knobs is None:
        return
    numeric = [k for k in knobs if k["kind"] in ("number", "integer") and k["name"] != "seed"]
    for knob in numeric:
        if knob["name"] not in KNOBS:
            unit = "" if knob["unit"] in ("", "1") else knob["unit"]
            KNOBS[knob["name"]] = (knob["name"].replace("_", " ") + (f" ({unit})" if unit else ""),
                                   knob["name"], f" {unit}" if unit else "")
    IMPERFECTIONS = tuple(k["name"] for k in numeric if k["imperfection"])


def read_rows(path):
    """Every row of results.csv, failed ones included (r["ok"] False)."""
    with open(path) as stream:
        rows = list(csv.DictReader(stream))
    for r in rows:
        for key in tuple(KNOBS) + ("relative_error",):
            r[key] = float(r[key])
        r["ok"] = r["status"] == "success" and math.isfinite(r["relative_error"])
    return rows


def fixed_value_text(key, value):
    if key in CATEGORICAL:
        return f"{CATEGORICAL[key]} {value}"
    _, symbol, unit = KNOBS[key]
    return f"{symbol} = {value:g}{unit}"


def mean_error(rows):
    """Mean relative error over the successful rows, NaN when there is none."""
    errors = [r["relative_error"] for r in rows if r["ok"]]
    return float(np.mean(errors)) if errors else math.nan


def merged_lines(lines, tolerance=1e-3):
    """Lines that overlap on the plot (the same xs, every y within a relative
    `tolerance`) merged into the first: [(labels, xs, ys)], in the given order."""
    merged = []
    for label, xs, ys in lines:
        for entry in merged:
            if entry[1] == xs and np.allclose(ys, entry[2], rtol=tolerance, atol=0.0):
                entry[0].append(label)
                break
        else:
            merged.append(([label], xs, ys))
    return merged


def set_x_scale(ax, xs):
    """Log x axis; symmetric-log when a swept value is 0, so that 0 is shown."""
    positive = [x for x in xs if x > 0]
    if min(xs) == 0 and positive:
        ax.set_xscale("symlog", linthresh=min(positive), linscale=0.5)
    elif min(xs) > 0:
        ax.set_xscale("log")


def mark_failures(ax, failed_xs):
    if failed_xs:
        ax.plot(failed_xs, [0.02] * len(failed_xs), "x", color="red", ms=8, mew=2,
                transform=ax.get_xaxis_transform(), clip_on=False,
                label=f"failed ({len(failed_xs)} point{'' if len(failed_xs) == 1 else 's'})")


def fix_other_knobs(rows, free_keys, fixed):
    """`fixed`, plus every other knob that varies in `rows` at one value (the
    smallest number, the most common echo variant), so that each point of a
    line compares like with like."""
    fixed = dict(fixed)
    for key in tuple(KNOBS) + tuple(CATEGORICAL):
        if key in free_keys or key in fixed:
            continue
        values = collections.Counter(r[key] for r in rows)
        if len(values) > 1:
            fixed[key] = values.most_common(1)[0][0] if key in CATEGORICAL else min(values)
        rows = [r for r in rows if key not in fixed or r[key] == fixed[key]]
    return fixed


def plot_lines(rows, x_key, line_key, fixed, out, title, x_scale=1.0, x_label=None):
    """Error against x_key, one line per value of line_key, the other knobs fixed."""
    fixed = fix_other_knobs(rows, (x_key, line_key), fixed)
    chosen = [r for r in rows if all(r[k] == v for k, v in fixed.items())]
    xs_all = sorted({r[x_key] * x_scale for r in chosen})
    if len(xs_all) < 2:
        return  # nothing swept along this axis
    groups = collections.defaultdict(list)
    for r in chosen:
        groups[(r[line_key], r[x_key] * x_scale)].append(r)
    lines = []
    for line in sorted({key[0] for key in groups}, key=figure_output.numeric_order):
        points = [(x, mean_error(groups[(line, x)])) for x in xs_all if (line, x) in groups]
        points = [(x, y) for x, y in points if math.isfinite(y)]
        if points:
            lines.append((fixed_value_text(line_key, line), [p[0] for p in points],
                          [p[1] for p in points]))
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for labels, xs, ys in merged_lines(lines):
        label = labels[0] if len(labels) == 1 else ", ".join(labels) + " (overlap, within 0.1 %)"
        ax.plot(xs, ys, "o-", label=label)
    mark_failures(ax, [r[x_key] * x_scale for r in chosen if not r["ok"]])
    set_x_scale(ax, xs_all)
    ax.set_yscale("log")
    ax.set_xlabel(x_label or KNOBS[x_key][0])
    ax.set_ylabel(f"{ERROR_LABEL} (mean over seeds)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fixed_text = ", ".join(fixed_value_text(k, v) for k, v in fixed.items())
    ax.set_title(f"{title}\nat {fixed_text}" if fixed_text else title, fontsize=10)
    fig.tight_layout()
    figure_output.save(fig, *out)


def factorial_slice(rows, x_key, y_key, swept):
    """The heat map of x_key and y_key: (fixed values of the other swept knobs,
    xs, ys, rows of the slice). Among the slices that fix the other knobs, the
    one with the most (x, y) cells run (the smallest fixed values on a tie);
    in it, the x values run at two or more y values and the y values run at
    two or more x values. None when that leaves fewer than 2 × 2 cells."""
    others = [k for k in swept if k not in (x_key, y_key)]
    slices = collections.defaultdict(list)
    for r in rows:
        slices[tuple(r[k] for k in others)].append(r)

    def coverage(item):
        values, chosen = item
        cells = {(r[x_key], r[y_key]) for r in chosen}
        return (-len(cells), tuple(figure_output.numeric_order(v) for v in values))

    values, chosen = min(slices.items(), key=coverage)
    cells = {(r[x_key], r[y_key]) for r in chosen}
    xs, ys = {c[0] for c in cells}, {c[1] for c in cells}
    while True:
        kept_xs = {x for x in xs if sum((x, y) in cells for y in ys) >= 2}
        kept_ys = {y for y in ys if sum((x, y) in cells for x in kept_xs) >= 2}
        if (kept_xs, kept_ys) == (xs, ys):
            break
        xs, ys = kept_xs, kept_ys
    if len(xs) < 2 or len(ys) < 2:
        return None
    return dict(zip(others, values)), sorted(xs), sorted(ys), chosen


def heatmap_panel(rows, x_key, y_key, swept):
    """A panel: its knobs, fixed values, axes, and per cell the geometric mean
    error over successful seeds (NaN if none) with its count of failed seeds
    (None: not run)."""
    found = factorial_slice(rows, x_key, y_key, swept)
    if found is None:
        return None
    fixed, xs, ys, chosen = found
    error = np.full((len(ys), len(xs)), np.nan)
    failed = [[None] * len(xs) for _ in ys]
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            cell = [r for r in chosen if r[x_key] == x and r[y_key] == y]
            if not cell:
                continue
            errors = [max(r["relative_error"], 1e-300) for r in cell if r["ok"]]
            failed[i][j] = len(cell) - len(errors)
            if errors:
                error[i, j] = 10 ** float(np.mean(np.log10(errors)))
    return {"x": x_key, "y": y_key, "fixed": fixed, "xs": xs, "ys": ys, "error": error,
            "failed": failed}


def decade_norm(panels):
    """One logarithmic colour scale for all panels, from decade to decade."""
    values = np.concatenate([p["error"][np.isfinite(p["error"])] for p in panels])
    if values.size == 0:
        return matplotlib.colors.LogNorm(1e-3, 1e0)
    low = math.floor(math.log10(values.min()))
    high = max(math.ceil(math.log10(values.max())), low + 1)
    return matplotlib.colors.LogNorm(10.0 ** low, 10.0 ** high)


def cell_text(error, failed, annotate_values):
    if failed is None:
        return "not run", "0.35"
    if not math.isfinite(error):
        return "failed", "red"
    text = f"{error:.1e}" if annotate_values else ""
    if failed:
        text += f"\n{failed} failed"
    return text, "red" if failed else "white"


def draw_panel(ax, panel, norm):
    ax.set_facecolor("0.9")
    image = ax.imshow(np.ma.masked_invalid(panel["error"]), origin="lower", aspect="auto",
                      cmap="viridis", norm=norm)
    xs, ys = panel["xs"], panel["ys"]
    annotate_values = len(xs) * len(ys) <= 49
    for i in range(len(ys)):
        for j in range(len(xs)):
            text, colour = cell_text(panel["error"][i, j], panel["failed"][i][j],
                                     annotate_values)
            ax.text(j, i, text, ha="center", va="center", fontsize=6, color=colour)
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels([f"{x:g}" for x in xs], rotation=45, fontsize=8)
    ax.set_yticks(range(len(ys)))
    ax.set_yticklabels([f"{y:g}" for y in ys], fontsize=8)
    ax.set_xlabel(KNOBS[panel["x"]][0], fontsize=9)
    ax.set_ylabel(KNOBS[panel["y"]][0], fontsize=9)
    fixed = ", ".join(fixed_value_text(k, v) for k, v in panel["fixed"].items())
    ax.set_title(f"at {fixed}" if fixed else "every other knob at its only value", fontsize=8)
    return image


def draw_heatmaps(panels, out):
    """Panels side by side (up to three a row) on one colour scale in decades."""
    columns = min(3, len(panels))
    rows = math.ceil(len(panels) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(5.2 * columns + 1.2, 4.3 * rows),
                             squeeze=False, layout="constrained")
    norm = decade_norm(panels)
    for ax, panel in zip(axes.flat, panels):
        image = draw_panel(ax, panel, norm)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    bar = fig.colorbar(image, ax=axes, label=f"{ERROR_LABEL} (geometric mean over seeds)")
    bar.locator = matplotlib.ticker.LogLocator(base=10, numticks=20)
    bar.formatter = matplotlib.ticker.LogFormatterSciNotation()
    bar.minorticks_off()
    bar.update_ticks()
    fig.suptitle("Echo error over two knobs; grey: not run, red: failed", fontsize=10)
    figure_output.save(fig, *out)


def plot_pair_heatmaps(rows, run_dir, file_format):
    swept = [k for k in tuple(KNOBS) + tuple(CATEGORICAL) if len({r[k] for r in rows}) > 1]
    numeric = [k for k in swept if k in KNOBS]
    panels = []
    for i, x_key in enumerate(numeric):
        for y_key in numeric[i + 1:]:
            panel = heatmap_panel(rows, x_key, y_key, swept)
            if panel is not None:
                draw_heatmaps([panel], (run_dir, f"heatmap_{x_key}__{y_key}", file_format))
                panels.append(panel)
    if panels:
        draw_heatmaps(panels, (run_dir, "heatmaps", file_format))


def plot_bias_spread(run_dir, file_format):
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
    fixed = {}
    for knob in KNOBS:
        if knob not in ("beta", "thermal_energy_J"):
            fixed[knob] = min(float(g[knob]) for g in groups)
            groups = [g for g in groups if float(g[knob]) == fixed[knob]]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for i, kT in enumerate(sorted({float(g["thermal_energy_J"]) for g in groups})):
        chosen = sorted((float(g["beta"]), float(g["bias_relative"]), float(g["spread_relative"]))
                        for g in groups if float(g["thermal_energy_J"]) == kT)
        betas, bias, spread = zip(*chosen)
        colour = f"C{i}"
        ax.loglog(betas, bias, "o-", color=colour, label=f"bias, kB T = {kT:g} J")
        ax.loglog(betas, spread, "s--", color=colour, label=f"spread, kB T = {kT:g} J")
    ax.set_xlabel(KNOBS["beta"][0])
    ax.set_ylabel("relative to |dL/dθ| of the noise-free adjoint")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    swept_fixed = {k: v for k, v in fixed.items() if v != 0.0 or k == "decay_rate_per_s"}
    ax.set_title("Bias of the seed-averaged echo and spread over seeds\nat echo variant naive, "
                 + ", ".join(fixed_value_text(k, v) for k, v in swept_fixed.items()),
                 fontsize=9)
    fig.tight_layout()
    figure_output.save(fig, run_dir, "bias_spread_vs_beta", file_format)


def plot_imperfections(rows, run_dir, file_format):
    """Error against each swept imperfection, the others and the noise at 0."""
    for knob in IMPERFECTIONS:
        if len({r[knob] for r in rows}) < 2:
            continue
        chosen = [r for r in rows if r["thermal_energy_J"] == 0.0
                  and all(r[k] == 0.0 for k in IMPERFECTIONS if k != knob)]
        if not chosen:
            continue
        damping = collections.Counter(r["echo_damping"] for r in chosen).most_common(1)[0][0]
        plot_lines(chosen, knob, "beta",
                   {"echo_damping": damping, "thermal_energy_J": 0.0,
                    "decay_rate_per_s": min(r["decay_rate_per_s"] for r in chosen)},
                   (run_dir, f"error_vs_{knob}", file_format),
                   f"Echo error against {KNOBS[knob][0].split(' (')[0]}, by β")


def main():
    arguments = figure_output.argument_parser(__doc__).parse_args()
    run_dir, file_format = arguments.run_dir, arguments.format
    adopt_knobs(run_dir)
    rows = read_rows(f"{run_dir}/results.csv")
    if not rows:
        return
    rows_ideal = [r for r in rows if all(r[k] == 0.0 for k in IMPERFECTIONS)]
    with open(f"{run_dir}/meta.json") as stream:
        duration_s = json.load(stream)["duration_s"]
    plot_lines(rows_ideal, "decay_rate_per_s", "echo_damping",
               {"beta": min(r["beta"] for r in rows),
                "thermal_energy_J": min(r["thermal_energy_J"] for r in rows)},
               (run_dir, "error_vs_gamma", file_format),
               "Echo error against damping, by echo variant", x_scale=duration_s,
               x_label=f"γT: damping rate × duration (T = {duration_s:g} s)")
    plot_lines(rows_ideal, "beta", "thermal_energy_J",
               {"echo_damping": "naive",
                "decay_rate_per_s": min(r["decay_rate_per_s"] for r in rows)},
               (run_dir, "error_vs_beta", file_format),
               "Echo error against β, by noise level")
    plot_pair_heatmaps(rows, run_dir, file_format)
    if len({r["conductance_scale"] for r in rows}) > 1:
        plot_lines([r for r in rows_ideal if r["thermal_energy_J"] == 0.0], "conductance_scale",
                   "echo_damping", {"beta": min(r["beta"] for r in rows),
                                    "thermal_energy_J": 0.0},
                   (run_dir, "error_vs_conductance_scale", file_format),
                   "Echo error against the circuit's resistors, by echo variant")
    plot_bias_spread(run_dir, file_format)
    plot_imperfections(rows, run_dir, file_format)


if __name__ == "__main__":
    main()

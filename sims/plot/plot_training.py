"""Learning curve of an `echolab train` run, from RUN_DIR/metrics.csv.

Usage: plot_training.py RUN_DIR METRIC [--format png|svg|pdf]
  learning_curve      training and validation loss against the step (top) and
                      the validation metric (accuracy or mse, bottom); the step
                      of the best validation metric is marked.
"""
import csv

import matplotlib.pyplot as plt

import figure_output


def read_columns(path):
    with open(path) as stream:
        rows = list(csv.DictReader(stream))
    return {key: [float(r[key]) for r in rows] for key in rows[0]} if rows else {}


def main(run_dir, metric, file_format):
    columns = read_columns(f"{run_dir}/metrics.csv")
    fig, (loss_ax, metric_ax) = plt.subplots(2, 1, figsize=(6.5, 6), sharex=True)
    if columns:
        steps = columns["step"]
        loss_ax.plot(steps, columns["train_loss"], "o-", ms=3, label="training (mean since last evaluation)")
        loss_ax.plot(steps, columns["validation_loss"], "s-", ms=3, label="validation")
        values = columns["validation_metric"]
        best = max(values) if metric == "accuracy" else min(values)
        best_step = steps[values.index(best)]
        metric_ax.plot(steps, values, "o-", ms=3, color="C2")
        for ax in (loss_ax, metric_ax):
            ax.axvline(best_step, color="0.6", ls="--", lw=1)
        if min(columns["train_loss"] + columns["validation_loss"]) > 0:
            loss_ax.set_yscale("log")
    loss_ax.set_ylabel("loss")
    loss_ax.legend(fontsize=8)
    loss_ax.grid(alpha=0.3, which="both")
    metric_ax.set_ylabel(f"validation {metric}")
    metric_ax.set_xlabel("optimiser step")
    metric_ax.grid(alpha=0.3)
    loss_ax.set_title("learning curve (dashed: best validation step)")
    fig.tight_layout()
    figure_output.save(fig, run_dir, "learning_curve", file_format)


if __name__ == "__main__":
    parser = figure_output.argument_parser(__doc__)
    parser.add_argument("metric", choices=("accuracy", "mse"))
    arguments = parser.parse_args()
    main(arguments.run_dir, arguments.metric, arguments.format)

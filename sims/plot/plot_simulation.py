"""Plot an `echolab simulate` run: positions over time and the energy budget.

Usage: plot_simulation.py RUN_DIR [TITLE] [--format png|svg|pdf]
Reads RUN_DIR/trajectory.csv and RUN_DIR/energy.csv, writes RUN_DIR/simulation.FORMAT.
The samples are the recorded ones: drawn as points joined by lines when there
are few (a line alone would hide how coarsely the run was sampled), as lines
when there are many.
"""
import matplotlib.pyplot as plt
import numpy as np

import figure_output

MAX_TRACES = 8


def read_csv(path):
    with open(path) as stream:
        header = stream.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return header, data


def main():
    parser = figure_output.argument_parser(__doc__)
    parser.add_argument("title", nargs="?", default="echolab simulate")
    arguments = parser.parse_args()
    run_dir, title = arguments.run_dir, arguments.title
    header, trajectory = read_csv(f"{run_dir}/trajectory.csv")
    _, energy = read_csv(f"{run_dir}/energy.csv")
    t = trajectory[:, 0]
    num_dof = (len(header) - 1) // 2

    fig, (ax_q, ax_e) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True,
                                     gridspec_kw={"height_ratios": [3, 2]})
    shown = min(num_dof, MAX_TRACES)
    style = figure_output.sample_style(len(t))
    for i in range(shown):
        ax_q.plot(t, trajectory[:, 1 + i], lw=1.0, label=header[1 + i], **style)
    note = "" if shown == num_dof else f" (first {shown} of {num_dof})"
    ax_q.set_ylabel("position q" + note)
    ax_q.legend(loc="upper right", ncol=min(shown, 4), fontsize=8)
    ax_q.set_title(title)
    ax_q.grid(alpha=0.3)

    ax_e.plot(energy[:, 0], energy[:, 3], color="k", lw=1.2, label="total H")
    ax_e.plot(energy[:, 0], energy[:, 1], lw=0.8, alpha=0.7, label="kinetic T")
    ax_e.plot(energy[:, 0], energy[:, 2], lw=0.8, alpha=0.7, label="potential V")
    ax_e.set_xlabel("time t (s)")
    ax_e.set_ylabel("energy (J)")
    ax_e.legend(loc="upper right", fontsize=8)
    ax_e.grid(alpha=0.3)

    fig.tight_layout()
    figure_output.save(fig, run_dir, "simulation", arguments.format)


if __name__ == "__main__":
    main()

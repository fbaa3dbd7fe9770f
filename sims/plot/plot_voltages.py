"""Plot the node voltages of an `echolab simulate NETLIST.cir` run.

Usage: plot_voltages.py RUN_DIR [TITLE] [--format png|svg|pdf]
Reads RUN_DIR/voltages.csv (t_s, v(node)...), writes RUN_DIR/voltages.FORMAT;
few samples are drawn as points (plot_simulation.py).
"""
import matplotlib.pyplot as plt
import numpy as np

import figure_output

MAX_TRACES = 8


def main():
    parser = figure_output.argument_parser(__doc__)
    parser.add_argument("title", nargs="?", default="echolab simulate")
    arguments = parser.parse_args()
    run_dir, title = arguments.run_dir, arguments.title
    path = f"{run_dir}/voltages.csv"
    with open(path) as stream:
        header = stream.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    style = figure_output.sample_style(len(data))
    for i in range(1, min(len(header), MAX_TRACES + 1)):
        ax.plot(data[:, 0] * 1e9, data[:, i], lw=1.0, label=header[i], **style)
    ax.set_xlabel("time t (ns)")
    ax.set_ylabel("node voltage (V)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    figure_output.save(fig, run_dir, "voltages", arguments.format)


if __name__ == "__main__":
    main()

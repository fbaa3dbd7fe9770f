"""Plot the node voltages of an `echolab simulate NETLIST.cir` run.

Usage: plot_voltages.py RUN_DIR [TITLE]
Reads RUN_DIR/voltages.csv (t_s, v(node)...), writes RUN_DIR/voltages.png.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

MAX_TRACES = 8


def main():
    run_dir = sys.argv[1]
    title = sys.argv[2] if len(sys.argv) > 2 else "echolab simulate"
    path = f"{run_dir}/voltages.csv"
    with open(path) as stream:
        header = stream.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for i in range(1, min(len(header), MAX_TRACES + 1)):
        ax.plot(data[:, 0] * 1e9, data[:, i], lw=1.0, label=header[i])
    ax.set_xlabel("time t (ns)")
    ax.set_ylabel("node voltage (V)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(f"{run_dir}/voltages.png", dpi=120)


if __name__ == "__main__":
    main()

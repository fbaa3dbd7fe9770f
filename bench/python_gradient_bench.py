#!/usr/bin/env python3
"""The cost of calling echolab from Python: one echo gradient of a sparse
network of 1,000 oscillators through the Python module, against the same
gradient computed by the C++ library (`echolab gradcheck` on the same
configuration, whose gradcheck.json reports the method's own wall time),
measured side by side, interleaved, and the ratio of the medians reported.
A benchmark, not a test: nothing is asserted but that both give the same
gradient bit for bit (the timed work is the same work).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_gradient_bench.py \\
        --echolab build/sims/echolab [--repeats 7] [--steps 50000]
"""

import argparse
import json
import pathlib
import statistics
import subprocess
import tempfile
import time

import numpy as np

import echolab as el

OSCILLATORS = 1000
MEAN_DEGREE = 4
SEED = 7
STEP_S = 0.01


def initial_positions():
    """q_i = 0.1 sin(i) m, written with repr so that TOML reads the same doubles."""
    return [0.1 * np.sin(i) for i in range(OSCILLATORS)]


def config_text(duration_s):
    q0 = ", ".join(repr(float(q)) for q in initial_positions())
    return f"""[model]
type = "oscillator_network"
num_oscillators = {OSCILLATORS}
masses_kg = 1.0
driven = [1]
[model.onsite]
law = "harmonic"
k = 1.0
[model.coupling]
law = "harmonic"
topology = "random"
mean_degree = {MEAN_DEGREE}
seed = {SEED}
k = 0.5
[[input]]
waveform = "sine"
amplitude = 0.5
frequency_Hz = 0.2
[initial_state]
q = [{q0}]
[simulation]
duration_s = {duration_s!r}
[integrator]
scheme = "leapfrog"
step_s = {STEP_S!r}
[loss]
readout = "position"
dof = [{OSCILLATORS}]
[[loss.target]]
waveform = "sine"
amplitude = 0.3
frequency_Hz = 0.15
[gradcheck]
methods = ["echo"]
reference = "echo"
beta = 1e-3
"""


def python_problem(duration_s):
    edges = el.random_edges(OSCILLATORS, MEAN_DEGREE, SEED)
    network = el.OscillatorNetwork(OSCILLATORS, edges, driven=[0])
    theta = network.make_parameters(np.ones(OSCILLATORS), np.ones((OSCILLATORS, 1)),
                                    np.full((len(edges), 1), 0.5))
    loss = el.TrackingLoss(el.PositionReadout(network, [OSCILLATORS - 1]),
                           el.Input([el.Sine(0.3, 0.15)]))
    return el.GradientProblem(network, theta, initial_positions(), np.zeros(OSCILLATORS),
                              duration_s, loss, input=el.Input([el.Sine(0.5, 0.2)]),
                              integrator=el.IntegratorOptions(scheme="leapfrog", step_s=STEP_S))


def cpp_run(echolab, config, out):
    subprocess.run([echolab, "gradcheck", str(config), "-o", str(out), "--quiet", "--force"],
                   check=True)
    report = json.loads((out / "gradcheck.json").read_text())
    return report["timings_s"]["echo"], report["gradients"]["echo"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--echolab", default="build/sims/echolab")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=50000)
    args = parser.parse_args()
    duration_s = args.steps * STEP_S
    problem = python_problem(duration_s)
    cpp_times, python_times, python_method_times = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        config = pathlib.Path(scratch) / "network.toml"
        config.write_text(config_text(duration_s))
        for _ in range(args.repeats):
            cpp_time, cpp_gradient = cpp_run(args.echolab, config, pathlib.Path(scratch) / "out")
            start = time.perf_counter()
            result = el.gradient(problem, "echo", echo=el.EchoOptions(beta=1e-3))
            python_times.append(time.perf_counter() - start)
            python_method_times.append(result.wall_time_s)
            cpp_times.append(cpp_time)
            if result.dL_dtheta.tolist() != cpp_gradient:
                raise SystemExit("the Python and C++ gradients differ: not the same work")
    cpp, python = statistics.median(cpp_times), statistics.median(python_times)
    print(f"{OSCILLATORS} oscillators, {problem_edges(problem)} random edges (seed {SEED}), "
          f"leapfrog h = {STEP_S} s, {args.steps} steps, echo (centred, beta 1e-3), "
          f"{args.repeats} interleaved repeats; gradients equal bit for bit")
    print(f"C++ (echolab gradcheck, method time): median {cpp:.4f} s "
          f"[{min(cpp_times):.4f}, {max(cpp_times):.4f}]")
    print(f"Python (echolab.gradient call):       median {python:.4f} s "
          f"[{min(python_times):.4f}, {max(python_times):.4f}]"
          f" (of which the method: {statistics.median(python_method_times):.4f} s)")
    print(f"ratio Python / C++: {python / cpp:.3f}")


def problem_edges(problem):
    return (problem.theta.size - 2 * OSCILLATORS)


if __name__ == "__main__":
    main()

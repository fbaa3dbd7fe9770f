#!/usr/bin/env python3
"""Design loop: train the element values of an LC netlist so that its output
node's voltage follows a target waveform, with the echo gradient, and plot
the loss curve.

The target is what the same ladder produces with other element values (C2
and L2 off by 30 % and 20 %), so the loop has a known answer. The trained
quantities are log element values, s = log(theta / theta_0), moved by Adam
with the scale-free gradient dL/ds = theta * dL/dtheta that the echo gives,
and a learning rate that decays to zero over the run (cosine schedule).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/design_loop.py --out out/design
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import echolab as el  # noqa: E402

NETLIST = """two-section LC ladder driven by a current source
I1 0 n1 sin(0 1m 5meg)
C1 n1 0 100p
L1 n1 n2 1u
C2 n2 0 100p
L2 n2 n3 1u
C3 n3 0 100p
.end
"""
TRAINED = ["c2", "l2"]
TRUE_FACTORS = {"c2": 1.3, "l2": 0.8}


def output_voltage(circuit, theta, duration_s, step_s, node):
    """The node voltage dH/dQ over one pass, sampled at every step."""
    options = el.IntegratorOptions(scheme="yoshida4", step_s=step_s)
    zeros = np.zeros(circuit.num_dof)
    trajectory = el.simulate(circuit, theta, zeros, zeros, duration_s, input=circuit.inputs(),
                             integrator=options)
    inputs = circuit.inputs()
    voltages = [circuit.gradient(q, p, theta, inputs.value(t)).p[node]
                for t, q, p in zip(trajectory.times_s, trajectory.q, trajectory.p)]
    return trajectory.times_s, np.array(voltages)


def train(iterations, duration_s, step_s, learning_rate=0.05):
    circuit = el.Circuit.from_string(NETLIST, "ladder.cir")
    names = circuit.parameter_names
    index = [names.index(name) for name in TRAINED]
    node = circuit.node_index("n3")
    theta_0 = circuit.netlist_parameters.copy()
    theta_true = theta_0.copy()
    for name, k in zip(TRAINED, index):
        theta_true[k] *= TRUE_FACTORS[name]
    times, target = output_voltage(circuit, theta_true, duration_s, step_s, node)
    loss = el.TrackingLoss(el.VelocityReadout(circuit, [node]),
                           el.Input.sampled(times, target, el.Interpolation.cubic))
    zeros = np.zeros(circuit.num_dof)
    problem = el.GradientProblem(circuit, theta_0, zeros, zeros, duration_s, loss,
                                 input=circuit.inputs(),
                                 integrator=el.IntegratorOptions(scheme="yoshida4", step_s=step_s),
                                 compute_input_gradient=False)
    echo = el.EchoOptions(beta=1e-4 * circuit.smallest_capacitance(theta_0))
    log_values = np.zeros(len(index))
    moment, second = np.zeros(len(index)), np.zeros(len(index))
    losses = []
    for step in range(1, iterations + 1):
        theta = theta_0.copy()
        theta[index] = theta_0[index] * np.exp(log_values)
        problem.theta = theta
        result = el.gradient(problem, "echo", echo=echo)
        losses.append(result.loss)
        grad = result.dL_dtheta[index] * theta[index] / losses[0]
        moment = 0.9 * moment + 0.1 * grad
        second = 0.999 * second + 0.001 * grad**2
        rate = 0.5 * learning_rate * (1 + np.cos(np.pi * (step - 1) / iterations))
        log_values -= rate * (moment / (1 - 0.9**step)) / (
            np.sqrt(second / (1 - 0.999**step)) + 1e-12)
    factors = dict(zip(TRAINED, np.exp(log_values)))
    return losses, factors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("out/design_loop"))
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--duration", type=float, default=1e-6, help="pass duration, s")
    parser.add_argument("--step", type=float, default=1e-10, help="integrator step, s")
    args = parser.parse_args(argv)
    losses, factors = train(args.iterations, args.duration, args.step)
    args.out.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.semilogy(np.arange(1, len(losses) + 1), losses, marker="o", markersize=3)
    axes.set_xlabel("iteration")
    axes.set_ylabel("loss (V² s)")
    axes.set_title("echo-gradient design of C2 and L2")
    figure.tight_layout()
    figure.savefig(args.out / "loss_curve.png", dpi=200)
    np.savetxt(args.out / "loss_curve.csv", np.column_stack([np.arange(1, len(losses) + 1), losses]),
               delimiter=",", header="iteration,loss_V2s", comments="")
    print(f"loss {losses[0]:.3e} -> {losses[-1]:.3e}; trained factors "
          + ", ".join(f"{name} x{value:.4f} (target x{TRUE_FACTORS[name]})"
                      for name, value in factors.items()))
    print(f"wrote {args.out / 'loss_curve.png'}")
    return losses, factors


if __name__ == "__main__":
    main()

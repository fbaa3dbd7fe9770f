#!/usr/bin/env python3
"""The validation figure from Python: lambda(t) = dL/dx(t) of the continuous
adjoint (CVODES) against the echo's estimate, component by component, on the
paper's six oscillators (theory.md section 3: they agree pointwise as beta -> 0).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/adjoint_vs_echo.py --out out/lambda
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import echolab as el  # noqa: E402


def adjoint_and_echo(duration_s, step_s, beta):
    network, theta, readout = el.paper_six_oscillators()
    loss = el.TrackingLoss(el.PositionReadout(network, [readout]), el.Input([el.Sine(0.3, 0.15)]))
    problem = el.GradientProblem(
        network, theta, [0.2, 0.0, -0.1, 0.0, 0.1, 0.0], [0.0, 0.1, 0.0, 0.0, 0.0, -0.1],
        duration_s, loss, input=el.Input([el.Sine(0.5, 0.2)]),
        integrator=el.IntegratorOptions(scheme="yoshida4", step_s=step_s, rtol=1e-10, atol=1e-12),
        record_adjoint=True)
    adjoint = el.gradient(problem, "adjoint")
    echo = el.gradient(problem, "echo", echo=el.EchoOptions(beta=beta))
    return adjoint, echo


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("out/adjoint_vs_echo"))
    parser.add_argument("--duration", type=float, default=10.0, help="pass duration, s")
    parser.add_argument("--step", type=float, default=0.005, help="integrator step, s")
    parser.add_argument("--beta", type=float, default=1e-3)
    args = parser.parse_args(argv)
    adjoint, echo = adjoint_and_echo(args.duration, args.step, args.beta)
    figure, axes = plt.subplots(2, 1, figsize=(7, 5), sharex=True)
    every = max(1, echo.adjoint_times_s.size // 60)
    for i in range(adjoint.adjoint_q.shape[1]):
        colour = f"C{i}"
        axes[0].plot(adjoint.adjoint_times_s, adjoint.adjoint_q[:, i], color=colour,
                     label=f"oscillator {i + 1}")
        axes[0].plot(echo.adjoint_times_s[::every], echo.adjoint_q[::every, i], "o",
                     color=colour, markersize=3)
        axes[1].plot(adjoint.adjoint_times_s, adjoint.adjoint_p[:, i], color=colour)
        axes[1].plot(echo.adjoint_times_s[::every], echo.adjoint_p[::every, i], "o",
                     color=colour, markersize=3)
    axes[0].set_ylabel("λ_q (loss per m)")
    axes[1].set_ylabel("λ_p (loss per kg m/s)")
    axes[1].set_xlabel("time t (s)")
    axes[0].set_title(f"adjoint (lines) vs echo, β = {args.beta:g} (points)")
    axes[0].legend(fontsize=7, ncol=3)
    figure.tight_layout()
    args.out.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.out / "lambda_adjoint_vs_echo.png", dpi=200)
    relative = np.linalg.norm(echo.dL_dtheta - adjoint.dL_dtheta) / np.linalg.norm(adjoint.dL_dtheta)
    print(f"dL/dtheta: echo vs adjoint relative difference {relative:.2e}")
    print(f"wrote {args.out / 'lambda_adjoint_vs_echo.png'}")
    return adjoint, echo


if __name__ == "__main__":
    main()

"""Gradients from Python: bit for bit the C++ library's (through the
command line's gradcheck.json on the same configuration), and against
independent truths (finite differences, the adjoint, BPTT)."""

import json
import subprocess

import numpy as np
import pytest

import echolab as el

SIX_CONFIG = "sims/configs/gradcheck_six_oscillators.toml"


def six_oscillator_problem(**kwargs):
    """The problem of sims/configs/gradcheck_six_oscillators.toml."""
    network, theta, readout = el.paper_six_oscillators()
    loss = el.TrackingLoss(el.PositionReadout(network, [readout]), el.Input([el.Sine(0.3, 0.15)]))
    q0 = [0.2, 0.0, -0.1, 0.0, 0.1, 0.0]
    p0 = [0.0, 0.1, 0.0, 0.0, 0.0, -0.1]
    integrator = el.IntegratorOptions(scheme="yoshida4", step_s=0.005, rtol=1e-10, atol=1e-12)
    return el.GradientProblem(network, theta, q0, p0, 10.0, loss, input=el.Input([el.Sine(0.5, 0.2)]),
                              integrator=integrator, **kwargs)


@pytest.fixture(scope="module")
def cli_gradcheck(tmp_path_factory, source_dir, echolab_binary):
    out = tmp_path_factory.mktemp("gradcheck") / "six"
    subprocess.run([echolab_binary, "gradcheck", str(source_dir / SIX_CONFIG),
                    "-o", str(out), "--quiet"], check=True)
    return json.loads((out / "gradcheck.json").read_text())


def test_every_method_equals_the_cpp_result_bit_for_bit(cli_gradcheck):
    problem = six_oscillator_problem()
    methods = list(cli_gradcheck["gradients"])
    assert {"echo", "adjoint"} <= set(methods)
    for method in methods:
        result = el.gradient(problem, method, echo=el.EchoOptions(beta=1e-3))
        assert result.loss == cli_gradcheck["losses"][method], method
        assert result.dL_dtheta.tolist() == cli_gradcheck["gradients"][method], method
        x0 = cli_gradcheck["initial_state_gradients"][method]
        assert result.dL_dx0.q.tolist() == x0["q"], method
        assert result.dL_dx0.p.tolist() == x0["p"], method


def test_echo_matches_the_adjoint_and_its_lambda_pointwise():
    problem = six_oscillator_problem(record_adjoint=True)
    echo = el.gradient(problem, "echo")
    adjoint = el.gradient(problem, "adjoint")
    scale = np.abs(adjoint.dL_dtheta).max()
    np.testing.assert_allclose(echo.dL_dtheta, adjoint.dL_dtheta, atol=1e-5 * scale)
    assert echo.adjoint_q.shape == (echo.adjoint_times_s.size, 6)
    # lambda(t) of both on their grids, compared where the times coincide,
    # inside the pass: at t = T the discrete echo reports the mean of lambda
    # before and after the terminal loss impulse (detail/recorded_adjoint.h).
    common, echo_rows, adjoint_rows = np.intersect1d(
        np.round(echo.adjoint_times_s, 9), np.round(adjoint.adjoint_times_s, 9),
        return_indices=True)
    inside = (common > 0) & (common < 10.0)
    echo_rows, adjoint_rows = echo_rows[inside], adjoint_rows[inside]
    assert echo_rows.size > 100
    lam_scale = np.abs(adjoint.adjoint_q).max()
    np.testing.assert_allclose(echo.adjoint_q[echo_rows], adjoint.adjoint_q[adjoint_rows],
                               atol=1e-4 * lam_scale)
    assert echo.dL_du.shape == (1, echo.input_times_s.size)
    assert echo.passes == 3 and echo.steps > 0 and echo.wall_time_s > 0


def test_centred_echo_error_falls_as_beta_squared_on_a_nonlinear_network():
    network = el.OscillatorNetwork(3, el.chain_edges(3), driven=[0], coupling_law="quartic")
    theta = network.make_parameters(np.ones(3), np.ones((3, 1)), [[0.5, 2.0], [0.5, 2.0]])
    loss = el.TrackingLoss(el.PositionReadout(network, [2]), el.Input([el.Sine(0.3, 0.2)]))
    problem = el.GradientProblem(network, theta, [0.5, 0.0, -0.3], np.zeros(3), 5.0, loss,
                                 input=[el.Sine(0.4, 0.3)],
                                 integrator=el.IntegratorOptions(scheme="leapfrog", step_s=0.01))
    exact = el.gradient(problem, "discrete_adjoint").dL_dtheta
    betas = [0.2, 0.1, 0.05]
    errors = [np.linalg.norm(el.gradient(problem, "echo", echo=el.EchoOptions(
        beta=b, nudge=el.NudgeReference.physical)).dL_dtheta - exact) for b in betas]
    slopes = np.diff(np.log(errors)) / np.diff(np.log(betas))
    np.testing.assert_allclose(slopes, 2.0, atol=0.2)


def test_circuit_gradient_by_echo_matches_finite_differences():
    circuit = el.Circuit.from_string(
        "ladder\nI1 0 n1 sin(0 1m 10meg)\nC1 n1 0 100p\nL1 n1 n2 1u\nC2 n2 0 100p\n.end\n")
    theta = circuit.netlist_parameters
    n2 = circuit.node_index("n2")
    times = np.linspace(0.0, 2e-7, 201)
    loss = el.TrackingLoss(el.VelocityReadout(circuit, [n2]),
                           el.Input.sampled(times, 0.5 * np.sin(2e7 * times), el.Interpolation.cubic))
    problem = el.GradientProblem(circuit, theta, np.zeros(2), np.zeros(2), 2e-7, loss,
                                 input=circuit.inputs(),
                                 integrator=el.IntegratorOptions(scheme="yoshida4", step_s=1e-10))
    problem.measure_scales()
    beta = 1e-4 * circuit.smallest_capacitance(theta)
    echo = el.gradient(problem, "echo", echo=el.EchoOptions(beta=beta))
    fd = el.gradient(problem, "fd")
    np.testing.assert_allclose(echo.dL_dtheta * theta, fd.dL_dtheta * theta,
                               rtol=1e-4, atol=1e-6 * np.abs(fd.dL_dtheta * theta).max())


def test_echo_options_reach_the_method():
    damped = six_oscillator_problem(dissipation=el.Dissipation(momentum_decay_rate_per_s=0.05))
    adjoint = el.gradient(damped, "adjoint").dL_dtheta
    errors = {}
    for variant in (el.EchoDamping.naive, el.EchoDamping.gain_reweighted):
        echo = el.gradient(damped, "echo", echo=el.EchoOptions(damping=variant)).dL_dtheta
        errors[variant] = np.linalg.norm(echo - adjoint) / np.linalg.norm(adjoint)
    # The reweighted gain echo is exact for uniform decay, the naive one biased.
    assert errors[el.EchoDamping.gain_reweighted] < 1e-3 < errors[el.EchoDamping.naive]
    hardware = el.EchoHardware(parameter_drift_relative=1e-3, seed=5)
    drifted = el.gradient(six_oscillator_problem(), "echo",
                          echo=el.EchoOptions(hardware=hardware, repeats=2))
    assert drifted.passes == 6


def test_hssm_rhel_equals_bptt_for_linear_units():
    config = el.HssmConfig(input_channels=2, classes=3, layers=2, hidden=6, state=4, seed=3)
    model = el.HamiltonianSsm(config)
    rng = np.random.default_rng(1)
    inputs = [rng.standard_normal((20, 2)) for _ in range(4)]
    labels = [0, 1, 2, 1]
    rhel = model.evaluate(inputs, labels=labels, compute_gradient=True, rule=el.GradientRule.rhel)
    bptt = model.evaluate(inputs, labels=labels, compute_gradient=True, rule=el.GradientRule.bptt)
    assert rhel.loss == bptt.loss and rhel.examples == 4
    assert rhel.gradient.shape == model.parameters.shape
    np.testing.assert_allclose(rhel.gradient, bptt.gradient, rtol=1e-6,
                               atol=1e-9 * np.abs(bptt.gradient).max())
    # BPTT against central differences of the loss in one parameter.
    k = model.recurrent_parameter_indices[0]
    theta = model.parameters.copy()
    h = 1e-6
    losses = []
    for sign in (1, -1):
        shifted = theta.copy()
        shifted[k] += sign * h
        model.parameters = shifted
        losses.append(model.evaluate(inputs, labels=labels).loss)
    assert bptt.gradient[k] == pytest.approx((losses[0] - losses[1]) / (2 * h), rel=1e-5)


def test_hssm_batch_norm_and_dropout_training_step():
    config = el.HssmConfig(input_channels=2, classes=3, layers=2, hidden=6, state=4, seed=3,
                           dropout=0.2, batch_norm=True, batch_norm_momentum=0.5,
                           step_init="uniform", threads=1)
    assert (config.batch_norm, config.dropout, config.step_init) == (True, 0.2, "uniform")
    model = el.HamiltonianSsm(config)
    assert model.state.shape == (2 * config.layers * config.hidden,)
    rng = np.random.default_rng(2)
    inputs = [rng.standard_normal((15, 2)) for _ in range(4)]
    labels = [0, 1, 2, 1]
    step = {}
    for rule in (el.GradientRule.rhel, el.GradientRule.bptt):
        step[rule] = model.evaluate(inputs, labels=labels, compute_gradient=True, rule=rule,
                                    training_seed=11)
    # Linear units: RHEL equals BPTT under the same masks and batch statistics.
    rhel, bptt = step[el.GradientRule.rhel], step[el.GradientRule.bptt]
    np.testing.assert_allclose(rhel.gradient, bptt.gradient, rtol=1e-6,
                               atol=1e-9 * np.abs(bptt.gradient).max())
    np.testing.assert_array_equal(rhel.state, bptt.state)
    # The step's masks depend on its seed; an evaluation drops nothing and uses the running
    # statistics, which move once the step's are assigned.
    other = model.evaluate(inputs, labels=labels, training_seed=12)
    assert other.loss != rhel.loss
    before = model.evaluate(inputs, labels=labels).loss
    assert model.evaluate(inputs, labels=labels).state.size == 0
    model.state = rhel.state
    np.testing.assert_array_equal(model.state, rhel.state)
    assert model.evaluate(inputs, labels=labels).loss != before
    with pytest.raises(el.InputError):
        model.state = np.zeros(3)
    with pytest.raises(el.InputError):
        el.HssmConfig(input_channels=2, step_init="lognormal")

"""Bad input raises InputError, numerical failures SolverError, with the
library's messages."""

import numpy as np
import pytest

import echolab as el


def six_oscillator_problem(**kwargs):
    network, theta, readout = el.paper_six_oscillators()
    loss = el.TrackingLoss(el.PositionReadout(network, [readout]), el.Input([el.Sine(0.3, 0.15)]))
    options = dict(input=el.Input([el.Sine(0.5, 0.2)]),
                   integrator=el.IntegratorOptions(scheme="leapfrog", step_s=0.01))
    options.update(kwargs)
    return el.GradientProblem(network, theta, np.zeros(6), np.zeros(6), 2.0, loss, **options)


def test_unknown_scheme_lists_the_known_ones():
    network, theta, _ = el.paper_six_oscillators()
    with pytest.raises(el.InputError, match="leapfrog"):
        el.simulate(network, theta, np.zeros(6), np.zeros(6), 1.0, input=[el.Sine(1.0, 1.0)],
                    integrator=el.IntegratorOptions(scheme="rk4"))


def test_unknown_gradient_method_lists_the_registry():
    with pytest.raises(el.InputError) as error:
        el.gradient(six_oscillator_problem(), "backprop")
    for name in el.gradient_method_names():
        assert name in str(error.value)


def test_wrong_state_size_names_the_argument():
    network, theta, _ = el.paper_six_oscillators()
    with pytest.raises(el.InputError, match="initial state"):
        el.simulate(network, theta, np.zeros(5), np.zeros(6), 1.0, input=[el.Sine(1.0, 1.0)])


def test_invalid_options_name_their_field():
    with pytest.raises(el.InputError, match="step_s"):
        el.IntegratorOptions(step_s=-1.0)
    with pytest.raises(el.InputError, match="beta"):
        el.EchoOptions(beta=0.0)
    with pytest.raises(el.InputError, match="IntegratorOptions: unknown field 'stepsize'"):
        el.IntegratorOptions(stepsize=0.1)
    with pytest.raises(el.InputError, match="onsite_law"):
        el.OscillatorNetwork(3, onsite_law="cubic")
    assert issubclass(el.InputError, ValueError)


def test_netlist_errors_give_line_and_column():
    with pytest.raises(el.InputError, match=r"^bad\.cir:3:\d+: .*"):
        el.Circuit.from_string("title\nL1 a 0 1u\nC1 a 0 -1n\n", "bad.cir")
    with pytest.raises(el.InputError, match="missing.cir"):
        el.Circuit.from_file("missing.cir")


def test_solver_failure_raises_with_the_trajectory_message():
    # An unstable leapfrog step: h w = 4 > 2.
    network = el.OscillatorNetwork(1)
    theta = network.make_parameters([1.0], [[16.0]], np.zeros((0, 1)))
    options = el.IntegratorOptions(scheme="leapfrog", step_s=1.0)
    failed = el.simulate(network, theta, [1.0], [0.0], 200.0, integrator=options,
                         raise_on_failure=False)
    assert not failed.ok and failed.message
    with pytest.raises(el.SolverError) as error:
        el.simulate(network, theta, [1.0], [0.0], 200.0, integrator=options)
    assert str(error.value) == failed.message


def test_hssm_bad_batch_raises():
    model = el.HamiltonianSsm(el.HssmConfig(input_channels=2, classes=3, layers=1, hidden=4,
                                            state=3))
    with pytest.raises(el.InputError):
        model.evaluate([np.zeros((10, 5))], labels=[0])
    with pytest.raises(el.InputError, match="labels"):
        model.evaluate([np.zeros((10, 2))], labels=[0, 1])

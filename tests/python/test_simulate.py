"""Passes of substrates from Python against closed forms."""

import math

import numpy as np
import pytest

import echolab as el


def harmonic_oscillator(mass_kg, stiffness_N_per_m):
    network = el.OscillatorNetwork(1)
    theta = network.make_parameters([mass_kg], [[stiffness_N_per_m]], np.zeros((0, 1)))
    return network, theta


def test_schemes_come_from_the_registry():
    names = el.scheme_names()
    assert "leapfrog" in names and "cvode_adams" in names
    assert set(el.composition_scheme_names()) <= set(names)
    assert el.scheme_traits("yoshida4").order == 4
    assert el.scheme_traits("leapfrog").symmetric


def test_harmonic_oscillator_follows_the_closed_form():
    # q(t) = q0 cos(w t), p(t) = -m w q0 sin(w t), w = sqrt(k / m)
    network, theta = harmonic_oscillator(2.0, 8.0)
    omega = 2.0
    trajectory = el.simulate(network, theta, q0=[0.5], p0=[0.0], duration_s=3.0,
                             integrator=el.IntegratorOptions(scheme="cvode_adams", step_s=0.01,
                                                             rtol=1e-11, atol=1e-13))
    t = trajectory.times_s
    assert trajectory.ok and trajectory.status == "success"
    assert trajectory.q.shape == (t.size, 1) and trajectory.p.shape == (t.size, 1)
    np.testing.assert_allclose(trajectory.q[:, 0], 0.5 * np.cos(omega * t), atol=1e-8)
    np.testing.assert_allclose(trajectory.p[:, 0], -2.0 * omega * 0.5 * np.sin(omega * t),
                               atol=1e-8)


def test_leapfrog_error_falls_as_the_step_squared():
    network, theta = harmonic_oscillator(1.0, 1.0)
    errors = []
    for step_s in (0.04, 0.02, 0.01):
        trajectory = el.simulate(network, theta, [1.0], [0.0], 5.0,
                                 integrator=el.IntegratorOptions(scheme="leapfrog", step_s=step_s))
        errors.append(abs(trajectory.final_state.q[0] - math.cos(5.0)))
    slopes = np.diff(np.log(errors)) / np.diff(np.log([0.04, 0.02, 0.01]))
    np.testing.assert_allclose(slopes, 2.0, atol=0.1)


def test_driven_oscillator_and_dissipation():
    # m q'' = -k q - gamma m q' + F0 (constant force): q -> F0 / k
    network = el.OscillatorNetwork(1, driven=[0])
    theta = network.make_parameters([1.0], [[4.0]], np.zeros((0, 1)))
    trajectory = el.simulate(
        network, theta, [0.0], [0.0], 40.0, input=el.Input([el.Constant(2.0)]),
        dissipation=el.Dissipation(momentum_decay_rate_per_s=1.0),
        integrator=el.IntegratorOptions(scheme="arkode_dopri5", step_s=0.1, rtol=1e-10, atol=1e-12))
    assert trajectory.final_state.q[0] == pytest.approx(0.5, abs=1e-6)


def test_network_topologies():
    assert el.chain_edges(4) == [(0, 1), (1, 2), (2, 3)]
    assert el.ring_edges(4) == [(0, 1), (1, 2), (2, 3), (0, 3)]
    assert len(el.all_to_all_edges(5)) == 10
    edges = el.random_edges(100, 4, 7)
    assert edges == el.random_edges(100, 4, 7) and len(edges) > 150
    network = el.OscillatorNetwork(100, edges, driven=[0], onsite_law="harmonic",
                                   coupling_law="quartic")
    assert network.num_params == 100 + 100 + 2 * len(edges)
    assert network.parameter_names[:2] == ["m_1", "m_2"]


def test_energy_of_a_quartic_pair():
    # H = p^2/2m + k d^2/2 + b d^4/4 for one edge, d = q_2 - q_1
    network = el.OscillatorNetwork(2, [(0, 1)], onsite_law="harmonic", coupling_law="quartic")
    theta = network.make_parameters([1.0, 2.0], [[0.0], [0.0]], [[3.0, 5.0]])
    energy = network.energy([0.1, 0.4], [1.0, 2.0], theta, [])
    d = 0.3
    assert energy == pytest.approx(0.5 + 1.0 + 3.0 * d**2 / 2 + 5.0 * d**4 / 4, rel=1e-14)


def test_sampled_and_piecewise_linear_inputs_with_parity():
    times = np.array([0.0, 1.0, 2.0])
    signal = el.Input.sampled(times, np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 3.0]]),
                              parity=el.Parity.odd)
    assert signal.num_channels == 2
    np.testing.assert_allclose(signal.value(0.5), [1.0, 1.0])
    np.testing.assert_allclose(signal.reversed_replay(2.0).value(0.5), [-3.0, -2.0])
    ramp = el.PiecewiseLinear([0.0, 1.0], [0.0, 3.0])
    assert ramp(0.25) == pytest.approx(0.75)
    spline = el.Sampled([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 8.0, 27.0], el.Interpolation.cubic)
    assert spline(1.0) == pytest.approx(1.0)


def test_lc_circuit_oscillates_at_its_resonance():
    # v(t) = V0 cos(t / sqrt(L C)) from the capacitor's initial voltage
    circuit = el.Circuit.from_string("lc tank\nL1 n1 0 1u\nC1 n1 0 1n ic=1\n.end\n")
    assert circuit.title == "lc tank" and circuit.node_names == ["n1"]
    theta = circuit.netlist_parameters
    period_s = 2 * math.pi * math.sqrt(1e-6 * 1e-9)
    trajectory = el.simulate(circuit, theta, circuit.initial_state.q, circuit.initial_state.p,
                             period_s, integrator=el.IntegratorOptions(scheme="yoshida4",
                                                                       step_s=period_s / 2000))
    charge_C = trajectory.p[:, 0]
    voltage_V = charge_C / 1e-9
    np.testing.assert_allclose(voltage_V, np.cos(2 * math.pi * trajectory.times_s / period_s),
                               atol=1e-8)

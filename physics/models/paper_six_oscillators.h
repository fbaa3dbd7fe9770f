#pragma once

#include <memory>

#include "physics/models/oscillator_network.h"

namespace echolab {

/// The toy substrate of the seed paper (Pourcel & Ernoult 2025, Fig. 2;
/// theory.md section 1): six coupled harmonic oscillators,
///
///   H = Σ p_i² / (2 m_i) + ½ Σ k_i q_i² + ½ Σ_(i<j) k_ij (q_j - q_i)² - u(t) q_1,
///
/// driven by a force u on oscillator 1 and read out on oscillator 4. The
/// paper gives no values; echolab uses m_i = 1 kg, k_i = 1 N/m and
/// k_ij = 0.3 / |i - j| N/m (couplings weaken with distance).
struct PaperSixOscillators {
  std::shared_ptr<const OscillatorNetwork> network;
  Vector theta;
  /// 0-based index of the read-out oscillator (oscillator 4).
  int readout_oscillator = 3;
};

PaperSixOscillators MakePaperSixOscillators();

}  // namespace echolab

#pragma once

#include <cstdint>

namespace echolab {

/// Centred: forward pass and two echoes at +β and -β, error O(β²).
/// One-sided: forward pass and one echo at +β against the forward pass's own
/// record, error O(β).
enum class EchoEstimator { kCentred, kOneSided };

/// Where the nudge force β ∇l is evaluated in the echoes.
///  kLinearized: on the reference path x(T - s), obtained without storing the
///    forward pass as the mean of the ±β echoes (centred) or from an unnudged
///    echo run alongside (one-sided, one more pass). The echo is then affine in
///    β for linear substrates, and the centred estimate is exact for any β.
///  kPhysical: at each echo's own state, as a single echo on hardware feels it.
enum class NudgeReference { kLinearized, kPhysical };

/// How the echoes of a damped pass are run (theory.md section 5).
///  kNaive: with the forward pass's damping, as the same hardware would.
///    It does not retrace the forward pass; the estimate is biased.
///  kGain: with the damping turned into equal gain, so that it retraces the
///    forward pass, but the nudge's response still decays.
///  kGainReweighted: gain echo with the nudge at echo time s weighted by
///    exp(+γ s), the parameter integrand by exp(-γ s) and λ(T - s) read as
///    exp(-γ s) Sx ∂x_e/∂β, with γ the decay rate of the momenta (γ plus the
///    mean G_i / m_i of per-dof friction). Exact (to O((γh)²) in the step)
///    for uniform decay, biased when the rates differ. Centred only.
enum class EchoDamping { kNaive, kGain, kGainReweighted };

/// Imperfections of the hardware between the forward pass and the echoes,
/// all zero for an ideal device. Random ones are drawn once per gradient from
/// a 64-bit Mersenne twister seeded with `seed` and shared by both echoes.
struct EchoHardware {
  /// The flip gives p → -(1 + flip_gain_error) p.
  double flip_gain_error = 0.0;
  /// Additive noise on the flipped momenta, standard deviation relative to
  /// the root-mean-square momentum at T.
  double flip_noise_relative = 0.0;
  /// Parameters drift between the passes: the echoes run with
  /// θ_i (1 + δ_i), δ_i normal with this standard deviation.
  double parameter_drift_relative = 0.0;
  /// The replayed input lags by this time: u_e(s) = P u(T - s - offset).
  double input_time_offset_s = 0.0;
  /// And by a random delay, normal with this standard deviation, redrawn at
  /// every step (InputSignal::WithTimeJitter), the same in both echoes.
  double input_time_jitter_s = 0.0;
  /// ∂θ_i H is read at each kick by an instrument of full scale R_i, twice
  /// the largest |∂θ_i H_half| of the forward pass: additive Gaussian noise of
  /// standard deviation readout_noise_relative × R_i, independent in each
  /// echo, then (readout_bits > 0) quantisation to a signed readout_bits ADC
  /// over ±R_i (detail::ParameterReadout). Centred estimator only.
  double readout_noise_relative = 0.0;
  int readout_bits = 0;
  std::uint64_t seed = 1;

  bool has_readout_model() const { return readout_noise_relative > 0.0 || readout_bits > 0; }
  bool is_ideal() const {
    return flip_gain_error == 0.0 && flip_noise_relative == 0.0 &&
           parameter_drift_relative == 0.0 && input_time_offset_s == 0.0 &&
           input_time_jitter_s == 0.0 && !has_readout_model();
  }
};

struct EchoOptions {
  double beta = 1e-3;  // nudging strength (the loss's units are per β)
  EchoEstimator estimator = EchoEstimator::kCentred;
  NudgeReference nudge = NudgeReference::kLinearized;
  EchoDamping damping = EchoDamping::kNaive;
  EchoHardware hardware;
  /// Independent repetitions of the whole experiment (forward pass and
  /// echoes, as hardware must rerun them), averaged against noise: repetition
  /// r uses the noise and hardware seeds + 3 r.
  int repeats = 1;

  /// Throws InputError naming the first invalid field.
  void Validate() const;
};

}  // namespace echolab

#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "physics/fused_echo_kernels.h"
#include "physics/hamiltonian_system.h"
#include "physics/models/edge_incidence.h"
#include "physics/models/law_arrays.h"
#include "physics/models/scalar_potential.h"

namespace echolab {

/// Which oscillators are coupled and which are driven. Indices are 0-based.
struct NetworkTopology {
  int num_oscillators = 0;
  /// Coupled pairs (i, j), i != j, each at most once.
  std::vector<std::pair<int, int>> edges;
  /// Input channel c pushes oscillator driven_oscillators[c] with force u_c (N).
  std::vector<int> driven_oscillators;

  /// Every pair i < j: a dense (all-to-all) network.
  static NetworkTopology AllToAll(int num_oscillators);
  /// Nearest neighbours i, i + 1: a chain.
  static NetworkTopology Chain(int num_oscillators);
  /// The chain closed by the pair (0, n - 1) when n > 2: a ring.
  static NetworkTopology Ring(int num_oscillators);
  /// Random sparse couplings: each oscillator i draws mean_degree / 2
  /// partners uniformly from a std::mt19937_64 seeded with `seed` (self-links
  /// and repeated pairs skipped), so the mean degree is at most mean_degree.
  /// Edges sorted, (min, max) each. The same seed gives the same edges.
  static NetworkTopology Random(int num_oscillators, int mean_degree, std::uint64_t seed);
};

/// A network of oscillators with on-site and pair potentials:
///
///   H = Σ_i p_i² / (2 m_i) + Σ_i φ_on(q_i) + Σ_(i,j) φ_c(q_j - q_i) - Σ_c u_c q_(d_c)
///
/// with φ_on, φ_c harmonic, quartic (Duffing/FPU-β) or cosine laws
/// (scalar_potential.h) and a force u_c on each driven oscillator d_c.
/// Couplings are held as a sparse incidence matrix D (d = D q), so networks of
/// thousands of sparsely coupled oscillators cost O(edges) per evaluation;
/// a dense network is the all-to-all topology.
///
/// Parameter vector θ, grouped by kind (names 1-based):
///   m_i (kg), then each on-site law parameter for all i (k_i, b_i or E_i),
///   then each coupling law parameter for all edges (k_i_j, b_i_j or E_i_j).
class OscillatorNetwork final : public HamiltonianSystem, public FusedEchoKernels {
 public:
  OscillatorNetwork(NetworkTopology topology, PotentialLaw onsite_law, PotentialLaw coupling_law);

  const NetworkTopology& topology() const { return topology_; }
  PotentialLaw onsite_law() const { return onsite_law_; }
  PotentialLaw coupling_law() const { return coupling_law_; }
  int num_edges() const { return static_cast<int>(topology_.edges.size()); }

  /// Assembles θ from masses (n), on-site parameters (n × on-site law
  /// parameters, one column per law parameter) and coupling parameters
  /// (edges × coupling law parameters). Throws InputError on wrong sizes.
  Vector MakeParameters(const Vector& masses_kg, const Eigen::MatrixXd& onsite,
                        const Eigen::MatrixXd& coupling) const;

 private:
  void DoValidateParameters(const Vector& theta) const override;
  double DoKineticEnergy(const Vector& p, const Vector& theta) const override;
  double DoPotentialEnergy(const Vector& q, const Vector& theta, const Vector& u) const override;
  void DoKineticGradient(const Vector& p, const Vector& theta, Vector* out) const override;
  void DoPotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                           Vector* out) const override;
  void DoKineticHessianProduct(const Vector& p, const Vector& theta, const Vector& v,
                               Vector* out) const override;
  void DoPotentialHessianProduct(const Vector& q, const Vector& theta, const Vector& u,
                                 const Vector& v, Vector* out) const override;
  void DoKineticParameterGradient(const Vector& p, const Vector& theta, Vector* out) const override;
  void DoPotentialParameterGradient(const Vector& q, const Vector& theta, const Vector& u,
                                    Vector* out) const override;
  void DoKineticMixedProduct(const Vector& p, const Vector& theta, const Vector& v,
                             Vector* out) const override;
  void DoPotentialMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                               const Vector& v, Vector* out) const override;
  void DoInputGradient(const Vector& q, const Vector& theta, const Vector& u,
                       Vector* out) const override;
  void DoInputMixedProduct(const Vector& q, const Vector& theta, const Vector& u, const Vector& v,
                           Vector* out) const override;
  std::optional<Vector> DoDiagonalMasses(const Vector& theta) const override;
  // FusedEchoKernels: one pass over the edges for the gradient and the
  // parameter sum, and for both states of a pair.
  void DoPotentialGradientWithParameterSum(const Vector& q, const Vector& theta, const Vector& u,
                                           double weight, Vector* grad_q,
                                           Vector* parameter_sum) const override;
  void DoPotentialGradientPairWithParameterDifference(const Vector& q_a, const Vector& q_b,
                                                      const Vector& theta, const Vector& u,
                                                      double weight, Vector* grad_a, Vector* grad_b,
                                                      Vector* difference_sum) const override;
  void DoAddHalfStepKineticParameterGradient(const KickMomenta& kick, const Vector& theta,
                                             double weight, Vector* parameter_sum) const override;
  void DoAddHalfStepKineticParameterDifference(const KickMomenta& a, const KickMomenta& b,
                                               const Vector& theta, double weight,
                                               Vector* difference_sum) const override;

  // The on-site and coupling laws over their parameter blocks of θ, and the
  // same blocks of a sum over θ.
  LawBlock OnsiteBlock(const Vector& theta) const;
  LawBlock CouplingBlock(const Vector& theta) const;
  LawSumBlock OnsiteSum(Vector* sum) const;
  LawSumBlock CouplingSum(Vector* sum) const;
  // grad_q -= Σ_c u_c e_(d_c).
  void SubtractInputForces(const Vector& u, Vector* grad_q) const;
  // Law parameters of on-site term i / edge e, gathered from θ.
  std::array<double, 2> OnsiteParams(const Vector& theta, int i) const;
  std::array<double, 2> CouplingParams(const Vector& theta, int e) const;

  NetworkTopology topology_;
  PotentialLaw onsite_law_;
  PotentialLaw coupling_law_;
  EdgeIncidence incidence_;  // D, edges × n: d = D q
  int onsite_offset_;        // index in θ of the first on-site parameter
  int coupling_offset_;      // index in θ of the first coupling parameter
};

}  // namespace echolab

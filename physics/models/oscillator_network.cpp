#include "physics/models/oscillator_network.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>

#include "common/error.h"
#include "physics/models/law_arrays.h"

namespace echolab {
namespace {

std::vector<std::string> NetworkParameterNames(const NetworkTopology& topology, PotentialLaw onsite,
                                               PotentialLaw coupling) {
  std::vector<std::string> names;
  const int n = topology.num_oscillators;
  for (int i = 0; i < n; ++i) names.push_back(fmt::format("m_{}", i + 1));
  for (const std::string& prefix : LawParameterNames(onsite)) {
    for (int i = 0; i < n; ++i) names.push_back(fmt::format("{}_{}", prefix, i + 1));
  }
  for (const std::string& prefix : LawParameterNames(coupling)) {
    for (const auto& [i, j] : topology.edges) {
      names.push_back(fmt::format("{}_{}_{}", prefix, i + 1, j + 1));
    }
  }
  return names;
}

void CheckTopology(const NetworkTopology& topology) {
  const int n = topology.num_oscillators;
  if (n <= 0) throw InputError("network: expected at least one oscillator");
  std::set<std::pair<int, int>> seen;
  for (const auto& [i, j] : topology.edges) {
    if (i < 0 || i >= n || j < 0 || j >= n) {
      throw InputError(fmt::format("network: coupling ({}, {}) names an oscillator outside 1..{}",
                                   i + 1, j + 1, n));
    }
    if (i == j) throw InputError(fmt::format("network: oscillator {} is coupled to itself", i + 1));
    if (!seen.insert({std::min(i, j), std::max(i, j)}).second) {
      throw InputError(
          fmt::format("network: oscillators {} and {} are coupled twice", i + 1, j + 1));
    }
  }
  for (int d : topology.driven_oscillators) {
    if (d < 0 || d >= n) {
      throw InputError(fmt::format("network: input drives oscillator {}, outside 1..{}", d + 1, n));
    }
  }
}

}  // namespace

NetworkTopology NetworkTopology::AllToAll(int num_oscillators) {
  NetworkTopology topology{.num_oscillators = num_oscillators};
  for (int i = 0; i < num_oscillators; ++i) {
    for (int j = i + 1; j < num_oscillators; ++j) topology.edges.emplace_back(i, j);
  }
  return topology;
}

NetworkTopology NetworkTopology::Chain(int num_oscillators) {
  NetworkTopology topology{.num_oscillators = num_oscillators};
  for (int i = 0; i + 1 < num_oscillators; ++i) topology.edges.emplace_back(i, i + 1);
  return topology;
}

NetworkTopology NetworkTopology::Ring(int num_oscillators) {
  NetworkTopology topology = Chain(num_oscillators);
  if (num_oscillators > 2) topology.edges.emplace_back(0, num_oscillators - 1);
  return topology;
}

NetworkTopology NetworkTopology::Random(int num_oscillators, int mean_degree, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> pick(0, num_oscillators - 1);
  std::set<std::pair<int, int>> edges;
  for (int i = 0; i < num_oscillators; ++i) {
    for (int k = 0; k < mean_degree / 2; ++k) {
      const int j = pick(random);
      if (j != i) edges.insert({std::min(i, j), std::max(i, j)});
    }
  }
  NetworkTopology topology{.num_oscillators = num_oscillators};
  topology.edges.assign(edges.begin(), edges.end());
  return topology;
}

OscillatorNetwork::OscillatorNetwork(NetworkTopology topology, PotentialLaw onsite_law,
                                     PotentialLaw coupling_law)
    : HamiltonianSystem(
          topology.num_oscillators, static_cast<int>(topology.driven_oscillators.size()),
          (CheckTopology(topology), NetworkParameterNames(topology, onsite_law, coupling_law))),
      topology_(std::move(topology)),
      onsite_law_(onsite_law),
      coupling_law_(coupling_law),
      incidence_(topology_.edges),
      onsite_offset_(topology_.num_oscillators),
      coupling_offset_(topology_.num_oscillators * (1 + LawParameterCount(onsite_law))) {}

Vector OscillatorNetwork::MakeParameters(const Vector& masses_kg, const Eigen::MatrixXd& onsite,
                                         const Eigen::MatrixXd& coupling) const {
  const int n = num_dof();
  if (masses_kg.size() != n) {
    throw InputError(fmt::format("network: {} masses given, expected {}", masses_kg.size(), n));
  }
  if (onsite.rows() != n || onsite.cols() != LawParameterCount(onsite_law_)) {
    throw InputError(fmt::format("network: on-site parameters are {}x{}, expected {}x{} ({} law)",
                                 onsite.rows(), onsite.cols(), n, LawParameterCount(onsite_law_),
                                 ToString(onsite_law_)));
  }
  if (coupling.rows() != num_edges() || coupling.cols() != LawParameterCount(coupling_law_)) {
    throw InputError(fmt::format("network: coupling parameters are {}x{}, expected {}x{} ({} law)",
                                 coupling.rows(), coupling.cols(), num_edges(),
                                 LawParameterCount(coupling_law_), ToString(coupling_law_)));
  }
  Vector theta(num_params());
  theta.head(n) = masses_kg;
  // Column-major storage of the matrices is exactly the grouped layout of θ.
  theta.segment(onsite_offset_, onsite.size()) = onsite.reshaped();
  theta.segment(coupling_offset_, coupling.size()) = coupling.reshaped();
  return theta;
}

void OscillatorNetwork::DoValidateParameters(const Vector& theta) const {
  for (int i = 0; i < num_dof(); ++i) {
    if (!(theta[i] > 0.0)) {
      throw InputError(
          fmt::format("parameter m_{} (mass) is {} kg, expected a positive mass", i + 1, theta[i]));
    }
  }
}

std::array<double, 2> OscillatorNetwork::OnsiteParams(const Vector& theta, int i) const {
  const int n = num_dof();
  std::array<double, 2> params{theta[onsite_offset_ + i], 0.0};
  if (LawParameterCount(onsite_law_) > 1) params[1] = theta[onsite_offset_ + n + i];
  return params;
}

std::array<double, 2> OscillatorNetwork::CouplingParams(const Vector& theta, int e) const {
  std::array<double, 2> params{theta[coupling_offset_ + e], 0.0};
  if (LawParameterCount(coupling_law_) > 1) params[1] = theta[coupling_offset_ + num_edges() + e];
  return params;
}

// T = Σ p_i² / (2 m_i)
double OscillatorNetwork::DoKineticEnergy(const Vector& p, const Vector& theta) const {
  return 0.5 * p.cwiseAbs2().cwiseQuotient(theta.head(num_dof())).sum();
}

// V = Σ φ_on(q_i) + Σ_e φ_c((D q)_e) - Σ_c u_c q_(d_c)
double OscillatorNetwork::DoPotentialEnergy(const Vector& q, const Vector& theta,
                                            const Vector& u) const {
  double energy = 0.0;
  for (int i = 0; i < num_dof(); ++i) {
    energy += EvaluateLaw(onsite_law_, q[i], OnsiteParams(theta, i).data()).value;
  }
  const Eigen::ArrayXd d = incidence_.Apply(q);
  for (int e = 0; e < num_edges(); ++e) {
    energy += EvaluateLaw(coupling_law_, d[e], CouplingParams(theta, e).data()).value;
  }
  for (int c = 0; c < num_inputs(); ++c) energy -= u[c] * q[topology_.driven_oscillators[c]];
  return energy;
}

// ∂T/∂p_i = p_i / m_i
void OscillatorNetwork::DoKineticGradient(const Vector& p, const Vector& theta, Vector* out) const {
  *out = p.cwiseQuotient(theta.head(num_dof()));
}

LawBlock OscillatorNetwork::OnsiteBlock(const Vector& theta) const {
  const int n = num_dof();
  const bool two = LawParameterCount(onsite_law_) > 1;
  return {onsite_law_, Eigen::Map<const Eigen::ArrayXd>(theta.data() + onsite_offset_, n),
          Eigen::Map<const Eigen::ArrayXd>(theta.data() + onsite_offset_ + n, two ? n : 0)};
}

LawBlock OscillatorNetwork::CouplingBlock(const Vector& theta) const {
  const int e = num_edges();
  const bool two = LawParameterCount(coupling_law_) > 1;
  return {coupling_law_, Eigen::Map<const Eigen::ArrayXd>(theta.data() + coupling_offset_, e),
          Eigen::Map<const Eigen::ArrayXd>(theta.data() + coupling_offset_ + e, two ? e : 0)};
}

LawSumBlock OscillatorNetwork::OnsiteSum(Vector* sum) const {
  const int n = num_dof();
  const bool two = LawParameterCount(onsite_law_) > 1;
  return {Eigen::Map<Eigen::ArrayXd>(sum->data() + onsite_offset_, n),
          Eigen::Map<Eigen::ArrayXd>(sum->data() + onsite_offset_ + n, two ? n : 0)};
}

LawSumBlock OscillatorNetwork::CouplingSum(Vector* sum) const {
  const int e = num_edges();
  const bool two = LawParameterCount(coupling_law_) > 1;
  return {Eigen::Map<Eigen::ArrayXd>(sum->data() + coupling_offset_, e),
          Eigen::Map<Eigen::ArrayXd>(sum->data() + coupling_offset_ + e, two ? e : 0)};
}

void OscillatorNetwork::SubtractInputForces(const Vector& u, Vector* grad_q) const {
  for (int c = 0; c < num_inputs(); ++c) (*grad_q)[topology_.driven_oscillators[c]] -= u[c];
}

// ∂V/∂q = φ_on'(q) + Dᵀ φ_c'(D q) - Σ_c u_c e_(d_c)
void OscillatorNetwork::DoPotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                                            Vector* out) const {
  LawSlopes(OnsiteBlock(theta), q.array(), out->array());
  Eigen::ArrayXd slope = incidence_.Apply(q);
  LawSlopes(CouplingBlock(theta), slope, slope);
  incidence_.AddTransposed(slope, out);
  SubtractInputForces(u, out);
}

// ∂V/∂q as DoPotentialGradient, and weight × ∂V/∂θ added to the sum, in the
// same sweep.
void OscillatorNetwork::DoPotentialGradientWithParameterSum(const Vector& q, const Vector& theta,
                                                            const Vector& u, double weight,
                                                            Vector* grad_q,
                                                            Vector* parameter_sum) const {
  const LawBlock onsite = OnsiteBlock(theta), coupling = CouplingBlock(theta);
  LawSumBlock onsite_sum = OnsiteSum(parameter_sum), coupling_sum = CouplingSum(parameter_sum);
  LawSlopes(onsite, q.array(), grad_q->array());
  AddLawValueByParam(onsite, q.array(), weight, &onsite_sum);
  Eigen::ArrayXd slope = incidence_.Apply(q);
  AddLawValueByParam(coupling, slope, weight, &coupling_sum);
  LawSlopes(coupling, slope, slope);
  incidence_.AddTransposed(slope, grad_q);
  SubtractInputForces(u, grad_q);
}

// ∂V/∂q at q_a and q_b as DoPotentialGradient, and
//   weight × [∂V/∂θ(q_a) - ∂V/∂θ(q_b)]
// added to the sum, with one pass over the edges for both states (D q_a and
// D q_b, then Dᵀ φ_c'(d_a) and Dᵀ φ_c'(d_b)).
void OscillatorNetwork::DoPotentialGradientPairWithParameterDifference(
    const Vector& q_a, const Vector& q_b, const Vector& theta, const Vector& u, double weight,
    Vector* grad_a, Vector* grad_b, Vector* difference_sum) const {
  const LawBlock onsite = OnsiteBlock(theta), coupling = CouplingBlock(theta);
  LawSumBlock onsite_sum = OnsiteSum(difference_sum);
  LawSumBlock coupling_sum = CouplingSum(difference_sum);
  LawSlopes(onsite, q_a.array(), grad_a->array());
  LawSlopes(onsite, q_b.array(), grad_b->array());
  AddLawValueByParamDifference(onsite, q_a.array(), q_b.array(), weight, &onsite_sum);
  Eigen::ArrayXd slope_a, slope_b;
  incidence_.ApplyPair(q_a, q_b, &slope_a, &slope_b);
  AddLawValueByParamDifference(coupling, slope_a, slope_b, weight, &coupling_sum);
  LawSlopes(coupling, slope_a, slope_a);
  LawSlopes(coupling, slope_b, slope_b);
  incidence_.AddTransposedPair(slope_a, slope_b, grad_a, grad_b);
  SubtractInputForces(u, grad_a);
  SubtractInputForces(u, grad_b);
}

// weight × ½ [∂T/∂m_i(p_b) + ∂T/∂m_i(p_a)] = -weight (p_b,i² + p_a,i²) / (4 m_i²)
void OscillatorNetwork::DoAddHalfStepKineticParameterGradient(const KickMomenta& kick,
                                                              const Vector& theta, double weight,
                                                              Vector* parameter_sum) const {
  const Vector &p_before = kick.p_before, &p_after = kick.p_after;
  const auto m = theta.head(num_dof()).array();
  parameter_sum->head(num_dof()).array() -=
      (0.25 * weight) * (p_before.array().square() + p_after.array().square()) / m.square();
}

// weight × ¼ [(p_b,a² - p_b,b²) + (p_a,a² - p_a,b²)] × (-1/m_i²) for before (b)
// and after (a) the kick, each difference of squares factored as
// (x - y)(x + y) so that two nearly equal echoes do not cancel.
void OscillatorNetwork::DoAddHalfStepKineticParameterDifference(const KickMomenta& a,
                                                                const KickMomenta& b,
                                                                const Vector& theta, double weight,
                                                                Vector* difference_sum) const {
  const Vector &p_before_a = a.p_before, &p_after_a = a.p_after;
  const Vector &p_before_b = b.p_before, &p_after_b = b.p_after;
  const auto m = theta.head(num_dof()).array();
  difference_sum->head(num_dof()).array() -=
      (0.25 * weight) *
      ((p_before_a - p_before_b).array() * (p_before_a + p_before_b).array() +
       (p_after_a - p_after_b).array() * (p_after_a + p_after_b).array()) /
      m.square();
}

// ∂²T/∂p² v = v / m
void OscillatorNetwork::DoKineticHessianProduct(const Vector&, const Vector& theta, const Vector& v,
                                                Vector* out) const {
  *out = v.cwiseQuotient(theta.head(num_dof()));
}

// ∂²V/∂q² v = φ_on''(q) ⊙ v + Dᵀ (φ_c''(D q) ⊙ D v)
void OscillatorNetwork::DoPotentialHessianProduct(const Vector& q, const Vector& theta,
                                                  const Vector&, const Vector& v,
                                                  Vector* out) const {
  for (int i = 0; i < num_dof(); ++i) {
    (*out)[i] = EvaluateLaw(onsite_law_, q[i], OnsiteParams(theta, i).data()).curvature * v[i];
  }
  const Eigen::ArrayXd d = incidence_.Apply(q);
  Eigen::ArrayXd dv = incidence_.Apply(v);
  for (int e = 0; e < num_edges(); ++e) {
    dv[e] *= EvaluateLaw(coupling_law_, d[e], CouplingParams(theta, e).data()).curvature;
  }
  incidence_.AddTransposed(dv, out);
}

// ∂T/∂m_i = -p_i² / (2 m_i²)
void OscillatorNetwork::DoKineticParameterGradient(const Vector& p, const Vector& theta,
                                                   Vector* out) const {
  const auto m = theta.head(num_dof()).array();
  out->head(num_dof()) = -0.5 * p.array().square() / m.square();
}

// ∂V/∂θ: ∂φ/∂param of each on-site term and each edge.
void OscillatorNetwork::DoPotentialParameterGradient(const Vector& q, const Vector& theta,
                                                     const Vector&, Vector* out) const {
  const int n = num_dof();
  for (int i = 0; i < n; ++i) {
    const LawValues law = EvaluateLaw(onsite_law_, q[i], OnsiteParams(theta, i).data());
    for (int j = 0; j < LawParameterCount(onsite_law_); ++j) {
      (*out)[onsite_offset_ + j * n + i] = law.value_by_param[j];
    }
  }
  const Eigen::ArrayXd d = incidence_.Apply(q);
  for (int e = 0; e < num_edges(); ++e) {
    const LawValues law = EvaluateLaw(coupling_law_, d[e], CouplingParams(theta, e).data());
    for (int j = 0; j < LawParameterCount(coupling_law_); ++j) {
      (*out)[coupling_offset_ + j * num_edges() + e] = law.value_by_param[j];
    }
  }
}

// (∂m ∇p T)ᵀ v: ∂(p_i / m_i)/∂m_i = -p_i / m_i²
void OscillatorNetwork::DoKineticMixedProduct(const Vector& p, const Vector& theta, const Vector& v,
                                              Vector* out) const {
  const auto m = theta.head(num_dof()).array();
  out->head(num_dof()) = -(p.array() * v.array()) / m.square();
}

// (∂θ ∇q V)ᵀ v: ∂φ'/∂param times v_i on site, times (D v)_e on edges.
void OscillatorNetwork::DoPotentialMixedProduct(const Vector& q, const Vector& theta, const Vector&,
                                                const Vector& v, Vector* out) const {
  const int n = num_dof();
  for (int i = 0; i < n; ++i) {
    const LawValues law = EvaluateLaw(onsite_law_, q[i], OnsiteParams(theta, i).data());
    for (int j = 0; j < LawParameterCount(onsite_law_); ++j) {
      (*out)[onsite_offset_ + j * n + i] = law.slope_by_param[j] * v[i];
    }
  }
  const Eigen::ArrayXd d = incidence_.Apply(q);
  const Eigen::ArrayXd dv = incidence_.Apply(v);
  for (int e = 0; e < num_edges(); ++e) {
    const LawValues law = EvaluateLaw(coupling_law_, d[e], CouplingParams(theta, e).data());
    for (int j = 0; j < LawParameterCount(coupling_law_); ++j) {
      (*out)[coupling_offset_ + j * num_edges() + e] = law.slope_by_param[j] * dv[e];
    }
  }
}

// ∂V/∂u_c = -q_(d_c)
void OscillatorNetwork::DoInputGradient(const Vector& q, const Vector&, const Vector&,
                                        Vector* out) const {
  for (int c = 0; c < num_inputs(); ++c) (*out)[c] = -q[topology_.driven_oscillators[c]];
}

// (∂u ∇q V)ᵀ v = -v_(d_c)
void OscillatorNetwork::DoInputMixedProduct(const Vector&, const Vector&, const Vector&,
                                            const Vector& v, Vector* out) const {
  for (int c = 0; c < num_inputs(); ++c) (*out)[c] = -v[topology_.driven_oscillators[c]];
}

std::optional<Vector> OscillatorNetwork::DoDiagonalMasses(const Vector& theta) const {
  return Vector(theta.head(num_dof()));
}

}  // namespace echolab

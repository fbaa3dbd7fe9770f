#pragma once

#include <Eigen/SparseCore>
#include <memory>
#include <mutex>
#include <utility>
#include <string>
#include <vector>

#include "circuits/driven_nodes.h"
#include "circuits/netlist.h"
#include "circuits/symmetric_factor.h"
#include "physics/dissipation.h"
#include "physics/fused_echo_kernels.h"
#include "physics/hamiltonian_system.h"

namespace echolab {

/// The node-flux Hamiltonian of an LC netlist. Positions are the fluxes Φ
/// (Wb, Φ_a = ∫ v_a dt against ground) of the free nodes, momenta their
/// charges Q (C):
///
///   H = ½ Qᵀ C⁻¹ Q + ½ φ_Lᵀ M⁻¹ φ_L + Σ_J E_J (1 - cos(2π φ_J / Φ0)) - Σ_s I_s(t) b_sᵀ Φ
///       + Σ_c C_c (a_cᵀ Φ)(d_cᵀ dV_d/dt) + Σ_R (a_Rᵀ Φ)(d_Rᵀ V_d) / R
///
/// with C the capacitance matrix (Σ_c C_c a_c a_cᵀ, a_c the ±1 incidence of
/// capacitor c on the free nodes), φ_L = A_Lᵀ Φ + D_Lᵀ Φ_d(t) the inductor
/// branch fluxes, M the inductance matrix (L_i on the diagonal, k_ij √(L_i L_j)
/// for a K card), E_J = Φ0 I_c / 2π for each junction (φ_J likewise), and
/// b_s = e_(n-) - e_(n+) for a current source pushing I_s from n+ through
/// itself to n-. Then dΦ/dt = ∂H/∂Q = C⁻¹ Q are the node voltages and
/// dQ/dt = -∂H/∂Φ the net currents into the nodes (Kirchhoff's current law).
///
/// Voltage sources drive nodes (DrivenNodes): a driven node a leaves the
/// state, its flux Φ_a(t) = ∫_0^t V dt' and voltage V_a(t) are inputs, and
/// d_b is the ±1 incidence of branch b on the driven nodes. A capacitor from
/// a free node to a driven one adds C_c to C and injects the current
/// C_c dV_a/dt (the Lagrangian's ½ C (Φ̇_i - V_a)² with the total derivative
/// d/dt(C Φ_i V_a) dropped); a resistor injects V_a / R besides its friction.
///
/// The echo flips the charges (Q → -Q) and keeps the fluxes: node voltages
/// are odd under the flip, so a voltage read-out (VelocityReadout) sees the
/// reflected target in the echo, l_e = l ∘ Sz. Input channels, in this order:
/// the current sources (A, even), then three per voltage source, ∫V dt (Wb,
/// even), V (V, odd) and dV/dt (V/s, even).
///
/// Trainable parameters θ: the value of every C (F), L (H), K (coupling
/// coefficient) and B (critical current I_c, A) element, named by the element
/// (lower case), in netlist order; gradients are per SI unit of the value.
/// Resistors are dissipation, an option of a pass (ResistiveDissipation):
/// dQ/dt gains -G_R v with G_R = Σ_R a_R a_Rᵀ / R the conductance matrix.
///
/// Varactors (C cards with nl=b) have the charge-voltage law
/// V(Q) = Q / C0 + b Q³ and the energy U(Q) = Q² / (2 C0) + b Q⁴ / 4. With
/// them the kinetic energy is the Legendre transform of the capacitors'
/// co-energy: the node voltages v solve Σ_c a_c Q_c(a_cᵀ v) = Q (Newton's
/// method with the incremental capacitance matrix C_inc = Σ_c a_c a_cᵀ dQ_c/dV,
/// from the linear solution with every C0), and
///
///   T(Q) = Σ_c U_c(Q_c),  ∂T/∂Q = v,  ∂²T/∂Q² = C_inc⁻¹,  ∂T/∂C0 = -Q_c² / (2 C0²).
///
/// The varactor's trained value is C0; b stays fixed. A varactor may not
/// touch a node that a voltage source drives, and its circuit's kinetic
/// energy is not quadratic (HasQuadraticKineticEnergy), so its resistors need
/// an adaptive scheme.
///
/// C, M and G_R are sparse (one entry per element and node); C and M are
/// factored once per θ (SymmetricFactor, cached: refactored only when θ
/// changes), so that every derivative costs O(nnz) per call. Dense factors
/// are taken on request (CircuitOptions::storage).
///
/// Nodes without capacitance (only L, R, junctions or sources touch them)
/// have no momentum of their own. With CircuitOptions::node_capacitance_F > 0
/// each of them gets that parasitic capacitance to ground (a fixed
/// capacitance, not a parameter). Otherwise those that AlgebraicNodes accepts
/// (resistors to ground or to driven nodes, inductors, current sources) are
/// algebraic: their charge stays 0 and their flux follows Kirchhoff's law
/// G_AA dΦ_A/dt = -∂V/∂Φ_A, the limit C → 0 (Dissipation::overdamped_dofs
/// of ResistiveDissipation; the capacitance matrix holds a placeholder
/// kAlgebraicPlaceholder_F on their diagonal, which no charge ever reaches,
/// so that it stays invertible). The other nodes without capacitance are
/// refused.
struct CircuitOptions {
  MatrixStorage storage = MatrixStorage::kAutomatic;
  /// Parasitic capacitance (F) added from every node without a path of
  /// capacitors to ground; 0 refuses such nodes.
  double node_capacitance_F = 0.0;
};

/// Why a node voltage read-out (VelocityReadout, which reads ∂H/∂Q) refuses an
/// algebraic node.
inline constexpr const char* kAlgebraicReadoutRefusal =
    "the node has no capacitance and is solved from Kirchhoff's law (its voltage is not a "
    "charge's); read out a node with a capacitor, or give it one (a capacitor to ground, or "
    "--node-capacitance C)";

class CircuitHamiltonian final : public HamiltonianSystem, public FusedEchoKernels {
 public:
  explicit CircuitHamiltonian(const Netlist& netlist, const CircuitOptions& options = {});

  /// θ holding the netlist's element values.
  const Vector& netlist_parameters() const { return netlist_parameters_; }
  /// Non-ground node names, in the order of the state vectors.
  const std::vector<std::string>& node_names() const { return node_names_; }
  /// Index of a node in the state, or -1 for ground; throws InputError for an
  /// unknown name and for a node that a voltage source drives (its voltage
  /// is the source's, not a state).
  int NodeIndex(const std::string& name) const;
  /// The resistors as dissipation of a pass: friction_matrix = Σ_R a_R a_Rᵀ / R
  /// (S, sparse), acting on the node voltages. Zero when the netlist has none.
  Dissipation ResistiveDissipation() const;
  /// Whether the matrices are factored dense (on request) or sparse.
  bool dense() const;
  /// Stored entries of C and M and of their factors at θ: the nnz that the
  /// cost of a step grows with.
  Eigen::Index StoredEntries(const Vector& theta) const;
  /// The nodes that received the parasitic capacitance (empty without it).
  const std::vector<std::string>& parasitic_nodes() const { return parasitic_node_names_; }
  /// The nodes without capacitance solved from Kirchhoff's law (empty with
  /// a parasitic capacitance).
  const std::vector<std::string>& algebraic_nodes() const { return algebraic_node_names_; }
  /// Whether the node of index `node` is algebraic: its voltage is
  /// dΦ/dt = -G_AA⁻¹ ∂V/∂Φ_A (OverdampedDofs), not ∂H/∂Q.
  bool IsAlgebraic(int node) const;
  /// The diagonal capacitance (F) that the algebraic nodes hold in C: any
  /// positive value, since their charge is always 0.
  static constexpr double kAlgebraicPlaceholder_F = 1.0;
  /// The smallest capacitance (C, or a varactor's C0) in θ, in F.
  double SmallestCapacitance(const Vector& theta) const;
  /// The input channels: the current sources (A, even), then ∫V dt (even),
  /// V (odd) and dV/dt (even) of each voltage source, in netlist order.
  InputSignal Inputs() const;
  /// The state that the netlist's initial conditions describe (as SPICE's
  /// uic): node voltages v from the capacitors' ic= (0 where absent; a
  /// driven terminal at the source's V(0)) give
  /// Q = C v; inductor currents (ic=) and junction phases (phase=) give the
  /// branch fluxes M i_L and φ Φ0 / 2π, from which the node fluxes are
  /// solved. Throws InputError when the conditions contradict each other
  /// around a loop. θ must be the netlist's own values.
  PhaseState InitialState(const Netlist& netlist) const;

 private:
  struct Layout;
  CircuitHamiltonian(Layout layout, const CircuitOptions& options);

  struct Branch {
    int plus = -1;  // free node index, -1 for ground or a driven node
    int minus = -1;
    int param = -1;        // index in θ
    int driven_plus = -1;  // driven node index, -1 otherwise
    int driven_minus = -1;
    // aᵀ x for a free-node vector x.
    double Across(const Vector& x) const;
    // y += s a.
    void AddTo(double s, Vector* y) const;
    // dᵀ x for a driven-node vector x.
    double DrivenAcross(const Vector& x) const;
    // y += s d.
    void AddDrivenTo(double s, Vector* y) const;
    bool TouchesFreeNode() const { return plus >= 0 || minus >= 0; }
  };
  // entries += w a aᵀ, a the branch's incidence on the free nodes.
  static void AddOuterProduct(const Branch& branch, double weight,
                              std::vector<Eigen::Triplet<double>>* entries);
  // What the inputs say about the driven nodes, one entry per driven node:
  // the flux Φ_d (Wb), the voltage V_d (V) or its rate dV_d/dt (V/s).
  enum class DrivenQuantity { kFlux = 0, kVoltage = 1, kSlope = 2 };
  struct Mutual {
    int first = -1, second = -1;  // inductor indices
    int param = -1;
  };

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

  bool DoHasQuadraticKineticEnergy() const override { return !has_varactors_; }

  // FusedEchoKernels (circuit_echo_kernels.cpp): the inductor currents of a
  // kick serve ∂V/∂Φ and ∂V/∂θ; the capacitors' ∂T/∂θ come from the kick's
  // node voltages, without a solve.
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
  // ∂V/∂Φ into *grad_q, with the inductor currents i_L it took on the way.
  void PotentialGradientWithCurrents(const Vector& q, const Vector& theta, const Vector& u,
                                     Vector* grad_q, Vector* current) const;
  // ∂V/∂Φ of the junctions, current sources and driven nodes, added to *grad_q.
  void AddNonInductivePotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                                        Vector* grad_q) const;
  // sum += w [∂V/∂θ(q_a) - ∂V/∂θ(q_b)] of the junctions and of the capacitors
  // to driven nodes (w ∂V/∂θ(q_a) when q_b is null).
  void AddNonInductiveParameterTerms(const Vector& q_a, const Vector* q_b, const Vector& u,
                                     double weight, Vector* sum) const;
  // r_c with ∂T/∂C_c = -½ r_c², from the node voltages v = ∂T/∂Q.
  Vector CapacitorChargeRatios(const Vector& voltage, const Vector& theta) const;

  // The node voltages of node charges Q, with each capacitor's branch charge
  // and incremental capacitance there, and the factored C_inc.
  struct NodeVoltages {
    Vector voltage;               // v (V), one per free node
    Vector branch_charge;         // Q_c (C), one per capacitor
    Vector branch_incremental;    // dQ_c/dV (F)
    SymmetricFactor incremental;  // C_inc = Σ_c a_c a_cᵀ dQ_c/dV (+ parasitics)
  };
  // C and M at one θ, factored.
  struct Factors {
    Vector theta;
    SymmetricFactor capacitance;
    SymmetricFactor inductance;
  };
  // The factors at θ: the cached ones when θ is the last θ asked for.
  std::shared_ptr<const Factors> FactorsAt(const Vector& theta) const;
  NodeVoltages SolveNodeVoltages(const Vector& p, const Vector& theta) const;
  // The branch charges and incremental capacitances at node voltages v.
  void BranchCharges(const Vector& v, const Vector& theta, NodeVoltages* state) const;
  // Σ_c a_c Q_c(a_cᵀ v): the node charges of node voltages v.
  Vector NodeCharges(const Vector& v, const Vector& theta) const;
  // Σ_c w_c a_c a_cᵀ (+ the parasitic capacitance on its nodes) over the
  // capacitors, with w_c = θ_c (C) or dQ_c/dV (C_inc).
  Eigen::SparseMatrix<double> CapacitiveMatrix(const Vector& per_capacitor) const;
  Vector CapacitanceValues(const Vector& theta) const;
  Eigen::SparseMatrix<double> InductanceMatrix(const Vector& theta) const;
  // φ_L = A_Lᵀ Φ and the inductor currents i_L = M⁻¹ φ_L.
  // φ_L of a free-node vector alone (A_Lᵀ x) and of the state (A_Lᵀ Φ + D_Lᵀ Φ_d).
  Vector BranchFluxes(const Vector& flux) const;
  Vector BranchFluxes(const Vector& flux, const Vector& u) const;
  Vector InductorCurrents(const Vector& branch_fluxes, const Vector& theta) const;
  // 2π φ_J / Φ0 of a junction, φ_J = a_Jᵀ Φ + d_Jᵀ Φ_d.
  double JunctionPhase(const Branch& junction, const Vector& q, const Vector& driven_flux) const;
  // Per driven node a: Σ_s sign_s u_(s, quantity) over the sources of its chain.
  Vector Driven(const Vector& u, DrivenQuantity quantity) const;
  // out_(s, quantity) = Σ_a sign_s per_node_a: the transpose of Driven.
  void AddToVoltageChannels(const Vector& per_node, DrivenQuantity quantity, Vector* out) const;
  // ∂/∂Φ_d, ∂/∂V_d, ∂/∂(dV_d/dt) of w·∇_Φ V for a free-node vector w, given
  // the inductor currents that multiply D_L and the junction gains that
  // multiply d_J; into the voltage-source channels of *out.
  void AddDrivenInputTerms(const Vector& w, const Vector& per_inductor,
                           const std::vector<double>& per_junction, const Vector& theta,
                           Vector* out) const;
  // Σ_b s_b a_b over the inductors.
  Vector ScatterInductors(const Vector& per_inductor) const;
  // ∂M/∂θ_k contracted as xᵀ (∂M/∂θ_k) y, for every inductive parameter.
  void AddInductanceDerivatives(const Vector& theta, const Vector& x, const Vector& y, double scale,
                                Vector* out) const;

  // Everything the netlist fixes, gathered before the base is constructed.
  struct Layout {
    std::vector<std::string> node_names;
    std::vector<std::string> parameter_names;
    std::vector<Branch> capacitors, inductors, junctions, sources;
    std::vector<double> capacitor_cubic;               // b (V/C³) of each capacitor, 0 if linear
    std::vector<std::pair<Branch, double>> resistors;  // branch and R (Ω)
    std::vector<Mutual> mutuals;
    std::vector<std::shared_ptr<const SpiceWaveform>> source_waveforms;
    DrivenNodes driven;
    Vector parameters;
    std::vector<std::string> parasitic_nodes;
    std::vector<std::string> algebraic_nodes;
  };
  static Layout MakeLayout(const Netlist& netlist, const CircuitOptions& options);
  // The nodes without capacitance: parasitic with --node-capacitance,
  // otherwise algebraic where they qualify (after the nodes are known).
  static void PlaceNodesWithoutCapacitance(const Netlist& netlist, const CircuitOptions& options,
                                           Layout* layout);

  std::vector<std::string> node_names_;
  std::vector<Branch> capacitors_, inductors_, junctions_, sources_;
  std::vector<double> capacitor_cubic_V_per_C3_;
  bool has_varactors_ = false;
  std::vector<std::pair<Branch, double>> resistors_;
  std::vector<Mutual> mutuals_;
  std::vector<std::shared_ptr<const SpiceWaveform>> source_waveforms_;
  DrivenNodes driven_;
  Vector netlist_parameters_;
  MatrixStorage storage_;
  double node_capacitance_F_;
  std::vector<std::string> parasitic_node_names_;
  std::vector<std::string> algebraic_node_names_;
  std::vector<int> algebraic_nodes_;  // their indices
  // (node index, C in F) on C's diagonal: the parasitic and algebraic nodes.
  std::vector<std::pair<int, double>> diagonal_capacitance_;
  mutable std::mutex factors_mutex_;
  mutable std::shared_ptr<const Factors> factors_;
};

}  // namespace echolab

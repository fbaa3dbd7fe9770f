// echolab_sparse_factor_bench: the sparse factorisation behind the circuit
// substrate (SymmetricFactor: Eigen's SimplicialLDLT with AMD ordering)
// against SuiteSparse's CHOLMOD (supernodal LLT and simplicial LDLT, through
// Eigen's CholmodSupport), on the matrices the circuits of
// echolab_circuit_bench factor, and on a 2-D capacitance matrix with coupling
// capacitors whose factor fills in. A benchmark: times are printed, never
// asserted. docs/benchmarks.md has the figures and the command.
//
//   echolab_sparse_factor_bench [--side 100] [--solves 2000] [--quick]

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <Eigen/CholmodSupport>
#include <Eigen/SparseCholesky>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using SparseMatrix = Eigen::SparseMatrix<double>;
using Triplets = std::vector<Eigen::Triplet<double>>;

constexpr double kInductance_H = 25e-9;
constexpr double kCapacitance_F = 10e-12;
constexpr double kCoupling = 0.05;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The branch inductance matrix of echolab_circuit_bench's side × side
// lattice: L on the diagonal of its 2 side (side - 1) inductors, and
// M = k √(L1 L2) between each inductor and its parallel neighbour one row
// (or column) further (CircuitHamiltonian::InductanceMatrix).
SparseMatrix LatticeInductance(int side) {
  const int per_direction = side * (side - 1);
  const auto horizontal = [side](int r, int c) { return r * (side - 1) + c; };
  const auto vertical = [side, per_direction](int r, int c) { return per_direction + r * side + c; };
  Triplets entries;
  for (int k = 0; k < 2 * per_direction; ++k) entries.emplace_back(k, k, kInductance_H);
  const double mutual = kCoupling * kInductance_H;
  for (int r = 0; r + 1 < side; ++r) {
    for (int c = 0; c + 1 < side; ++c) {
      entries.emplace_back(horizontal(r, c), horizontal(r + 1, c), mutual);
      entries.emplace_back(horizontal(r + 1, c), horizontal(r, c), mutual);
      entries.emplace_back(vertical(r, c), vertical(r, c + 1), mutual);
      entries.emplace_back(vertical(r, c + 1), vertical(r, c), mutual);
    }
  }
  SparseMatrix matrix(2 * per_direction, 2 * per_direction);
  matrix.setFromTriplets(entries.begin(), entries.end());
  return matrix;
}

// The node capacitance matrix C = Σ_c a_c a_cᵀ C_c of a side × side lattice
// with 10 pF to ground at every node and 1 pF coupling capacitors to its
// right and lower neighbours: a 2-D Laplacian pattern, whose factor fills in.
SparseMatrix CoupledCapacitance(int side) {
  const auto node = [side](int r, int c) { return r * side + c; };
  Triplets entries;
  const double coupling_F = 0.1 * kCapacitance_F;
  const auto couple = [&](int a, int b) {
    entries.emplace_back(a, a, coupling_F);
    entries.emplace_back(b, b, coupling_F);
    entries.emplace_back(a, b, -coupling_F);
    entries.emplace_back(b, a, -coupling_F);
  };
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) {
      entries.emplace_back(node(r, c), node(r, c), kCapacitance_F);
      if (c + 1 < side) couple(node(r, c), node(r, c + 1));
      if (r + 1 < side) couple(node(r, c), node(r + 1, c));
    }
  }
  SparseMatrix matrix(side * side, side * side);
  matrix.setFromTriplets(entries.begin(), entries.end());
  return matrix;
}

struct Timing {
  double factor_s = 0.0;
  double solve_us = 0.0;
  double residual = 0.0;  // |A x - b| / |b| of the last solve
};

// Factors A (the median of `factorisations` runs) and solves A x = b
// `solves` times, as a pass solves once per step.
template <typename Solver>
Timing TimeSolver(const SparseMatrix& matrix, int factorisations, int solves) {
  std::vector<double> factor_times;
  Solver solver;
  for (int k = 0; k < factorisations; ++k) {
    const auto started = std::chrono::steady_clock::now();
    solver.compute(matrix);
    factor_times.push_back(Seconds(started));
  }
  std::sort(factor_times.begin(), factor_times.end());
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(matrix.rows(), 1.0, 2.0);
  Eigen::VectorXd x;
  double checksum = 0.0;  // keeps the solves from being optimised away
  const auto started = std::chrono::steady_clock::now();
  for (int k = 0; k < solves; ++k) {
    x = solver.solve(b);
    checksum += x[k % x.size()];
  }
  const double solve_s = Seconds(started);
  if (!std::isfinite(checksum)) throw std::runtime_error("a solve returned a non-finite value");
  return {.factor_s = factor_times[factor_times.size() / 2],
          .solve_us = 1e6 * solve_s / solves,
          .residual = (matrix * x - b).norm() / b.norm()};
}

void Compare(const std::string& name, const SparseMatrix& matrix, int solves) {
  using Ordering = Eigen::AMDOrdering<int>;
  using Simplicial = Eigen::SimplicialLDLT<SparseMatrix, Eigen::Lower, Ordering>;
  using CholmodSupernodal = Eigen::CholmodSupernodalLLT<SparseMatrix>;
  using CholmodSimplicial = Eigen::CholmodSimplicialLDLT<SparseMatrix>;
  const std::vector<std::pair<std::string, std::function<Timing()>>> solvers = {
      {"Eigen SimplicialLDLT (AMD)", [&] { return TimeSolver<Simplicial>(matrix, 5, solves); }},
      {"CHOLMOD supernodal LLT", [&] { return TimeSolver<CholmodSupernodal>(matrix, 5, solves); }},
      {"CHOLMOD simplicial LDLT", [&] { return TimeSolver<CholmodSimplicial>(matrix, 5, solves); }},
  };
  fmt::print("\n{}: {} rows, {} non-zeros\n", name, matrix.rows(), matrix.nonZeros());
  fmt::print("  {:<28} {:>12} {:>12} {:>10}\n", "solver", "factor (ms)", "solve (us)", "residual");
  double reference_us = 0.0;
  for (const auto& [solver_name, run] : solvers) {
    const Timing timing = run();
    if (reference_us == 0.0) reference_us = timing.solve_us;
    fmt::print("  {:<28} {:>12.3f} {:>12.1f} {:>10.1e}   solve {:.2f}x Eigen's\n", solver_name,
               1e3 * timing.factor_s, timing.solve_us, timing.residual,
               timing.solve_us / reference_us);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sparse factorisations of circuit matrices: Eigen against CHOLMOD"};
  int side = 100;
  int solves = 2000;
  bool quick = false;
  app.add_option("--side", side, "Side of the lattices (nodes per row)")
      ->check(CLI::Range(3, 2000));
  app.add_option("--solves", solves, "Solves timed per solver")->check(CLI::Range(1, 1000000));
  app.add_flag("--quick", quick, "A small smoke run (side 8, 10 solves)");
  CLI11_PARSE(app, argc, argv);
  if (quick) {
    side = 8;
    solves = 10;
  }
  Compare(fmt::format("lattice {0}x{0}: branch inductance matrix with K couplings", side),
          LatticeInductance(side), solves);
  Compare(fmt::format("lattice {0}x{0}: node capacitance matrix with coupling capacitors", side),
          CoupledCapacitance(side), solves);
  return 0;
}

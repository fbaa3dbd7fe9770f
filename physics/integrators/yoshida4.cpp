#include "physics/integrators/yoshida4.h"

#include <cmath>

namespace echolab {
namespace {

class Yoshida4Stepper final : public FixedStepIntegrator::Stepper {
 public:
  explicit Yoshida4Stepper(const SimulationProblem& problem) : splitting_(problem) {}

  void Step(double t_s, double h_s, PhaseState* x) override {
    static const double w1 = 1.0 / (2.0 - std::cbrt(2.0));
    static const double w0 = 1.0 - 2.0 * w1;
    splitting_.Step(t_s, w1 * h_s, x);
    splitting_.Step(t_s + w1 * h_s, w0 * h_s, x);
    splitting_.Step(t_s + (w1 + w0) * h_s, w1 * h_s, x);
    evaluations_ = splitting_.evaluations();
  }

 private:
  SymmetricSplitting splitting_;
};

}  // namespace

SchemeTraits Yoshida4Integrator::traits() const {
  return SchemeTraits{.fixed_step = true, .symplectic = true, .symmetric = true, .order = 4};
}

std::unique_ptr<FixedStepIntegrator::Stepper> Yoshida4Integrator::MakeStepper(
    const SimulationProblem& problem) const {
  return std::make_unique<Yoshida4Stepper>(problem);
}

}  // namespace echolab

#include "physics/integrators/leapfrog.h"

namespace echolab {
namespace {

class LeapfrogStepper final : public FixedStepIntegrator::Stepper {
 public:
  explicit LeapfrogStepper(const SimulationProblem& problem) : splitting_(problem) {}
  void Step(double t_s, double h_s, PhaseState* x) override {
    splitting_.Step(t_s, h_s, x);
    evaluations_ = splitting_.evaluations();
  }

 private:
  SymmetricSplitting splitting_;
};

}  // namespace

SchemeTraits LeapfrogIntegrator::traits() const {
  return SchemeTraits{.fixed_step = true, .symplectic = true, .symmetric = true, .order = 2};
}

std::unique_ptr<FixedStepIntegrator::Stepper> LeapfrogIntegrator::MakeStepper(
    const SimulationProblem& problem) const {
  return std::make_unique<LeapfrogStepper>(problem);
}

}  // namespace echolab

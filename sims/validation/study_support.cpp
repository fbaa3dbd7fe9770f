#include "sims/validation/study_support.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/output_file.h"
#include "learning/measured_gradient.h"

namespace echolab {

const char* Verdict(bool passed) { return passed ? "Passed" : "FAILED"; }

GradientResult ComputeOrThrow(const GradientMethod& method, const GradientProblem& problem) {
  GradientResult result = ComputeMeasured(method, problem);
  if (!result.ok()) {
    throw SolverError(fmt::format("validation: {} failed: {}", result.method, result.message));
  }
  return result;
}

void WriteParameterGradients(const std::filesystem::path& path,
                             const std::vector<std::string>& names, const Vector& theta,
                             const GradientResult& echo, const GradientResult& adjoint,
                             const GradientResult& fd) {
  OutputFile csv(path);
  csv.Print("parameter,value,echo,adjoint,fd\n");
  for (size_t i = 0; i < names.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    csv.Print("{},{:.12e},{:.12e},{:.12e},{:.12e}\n", names[i], theta[k], echo.dL_dtheta[k],
              adjoint.dL_dtheta[k], fd.dL_dtheta[k]);
  }
  csv.Close();
}

}  // namespace echolab

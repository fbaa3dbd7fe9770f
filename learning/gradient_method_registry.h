#pragma once

#include <memory>
#include <string>
#include <vector>

#include "learning/echo_gradient.h"
#include "learning/gradient_method.h"

namespace echolab {

/// Settings of the gradient methods that have any.
struct GradientMethodSettings {
  EchoOptions echo;                // echo, echo_one_sided (the estimator is set by the name)
  double fd_relative_step = 1e-5;  // fd
};

/// The method registered under `name`: echo, echo_one_sided, adjoint,
/// discrete_adjoint, fd. Throws InputError listing the names otherwise.
std::unique_ptr<GradientMethod> MakeGradientMethod(const std::string& name,
                                                   const GradientMethodSettings& settings);

std::vector<std::string> GradientMethodNames();

/// Whether the method can run with the scheme (GradientMethod::SupportsScheme
/// on the scheme's traits): discrete_adjoint needs a symmetric composition
/// scheme, fd one of those or a stochastic one.
bool MethodSupportsScheme(const std::string& method, const std::string& scheme);

/// The registered schemes the method can run.
std::vector<std::string> SchemesSupportedBy(const std::string& method);

}  // namespace echolab

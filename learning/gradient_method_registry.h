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

/// Whether the method can run with the scheme: discrete_adjoint and fd need a
/// symmetric composition scheme (leapfrog, yoshida4).
bool MethodSupportsScheme(const std::string& method, const std::string& scheme);

}  // namespace echolab

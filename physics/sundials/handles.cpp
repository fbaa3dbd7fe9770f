#include "physics/sundials/handles.h"

#include <fmt/format.h>

#include <cstdlib>

#include "common/error.h"

namespace echolab::sundials {

std::string ReturnFlagName(FlagNameFunction name_of, int flag) {
  const std::unique_ptr<char, decltype(&std::free)> name(name_of(flag), &std::free);
  if (name == nullptr) return fmt::format("flag {}", flag);
  return name.get();
}

void CheckSetupFlag(int flag, const char* call, FlagNameFunction name_of) {
  if (flag < 0) {
    throw SolverError(fmt::format("{} failed with {}", call, ReturnFlagName(name_of, flag)));
  }
}

SunContextHandle MakeContext() {
  SUNContext context = nullptr;
  const int flag = SUNContext_Create(nullptr, &context);
  if (flag != 0 || context == nullptr) {
    throw SolverError(fmt::format("SUNContext_Create failed with flag {}", flag));
  }
  return SunContextHandle(context);
}

NVectorHandle MakeSerialVector(const Vector& values, SUNContext context) {
  NVectorHandle vector(N_VNew_Serial(values.size(), context));
  if (vector == nullptr) {
    throw SolverError(fmt::format("N_VNew_Serial could not allocate {} entries", values.size()));
  }
  Eigen::Map<Vector>(N_VGetArrayPointer(vector.get()), values.size()) = values;
  return vector;
}

PhaseState StateOf(N_Vector flat) {
  return Unflatten(Eigen::Map<const Vector>(N_VGetArrayPointer(flat), N_VGetLength(flat)));
}

}  // namespace echolab::sundials

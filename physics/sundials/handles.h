#pragma once

#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_nonlinearsolver.h>

#include <memory>
#include <string>
#include <type_traits>

#include "physics/phase_state.h"

namespace echolab::sundials {

// Owning handles of SUNDIALS objects: each frees its object with the matching
// SUNDIALS call when it goes out of scope. Declare the context first, so that
// it is freed last.

struct SunContextFree {
  void operator()(SUNContext context) const { SUNContext_Free(&context); }
};
struct NVectorDestroy {
  void operator()(N_Vector vector) const { N_VDestroy(vector); }
};
struct NonlinearSolverFree {
  void operator()(SUNNonlinearSolver solver) const { SUNNonlinSolFree(solver); }
};
/// Frees integrator memory (a void*) with CVodeFree, ERKStepFree, ...
template <void (*kFree)(void**)>
struct SolverMemoryFree {
  void operator()(void* memory) const { kFree(&memory); }
};

using SunContextHandle = std::unique_ptr<std::remove_pointer_t<SUNContext>, SunContextFree>;
using NVectorHandle = std::unique_ptr<std::remove_pointer_t<N_Vector>, NVectorDestroy>;
using NonlinearSolverHandle =
    std::unique_ptr<std::remove_pointer_t<SUNNonlinearSolver>, NonlinearSolverFree>;
template <void (*kFree)(void**)>
using SolverMemoryHandle = std::unique_ptr<void, SolverMemoryFree<kFree>>;

/// The name of a return flag, e.g. "CV_TOO_MUCH_WORK", from a SUNDIALS
/// ...GetReturnFlagName function (which returns a string that the caller frees).
using FlagNameFunction = char* (*)(long flag);
std::string ReturnFlagName(FlagNameFunction name_of, int flag);

/// Throws SolverError naming `call` and the flag when flag < 0.
void CheckSetupFlag(int flag, const char* call, FlagNameFunction name_of);

/// A new SUNDIALS context; throws SolverError when it cannot be created.
SunContextHandle MakeContext();

/// A new serial N_Vector holding a copy of `values`.
NVectorHandle MakeSerialVector(const Vector& values, SUNContext context);

/// The state (q, p) held in a serial N_Vector in the layout [q; p].
PhaseState StateOf(N_Vector flat);

}  // namespace echolab::sundials

#include "physics/integrators/arkode_erk.h"

#include <arkode/arkode_erkstep.h>

#include <memory>
#include <type_traits>

#include "common/error.h"
#include "physics/integrators/detail/adaptive_support.h"
#include "physics/sundials/handles.h"
#include "physics/sundials/solve.h"

namespace echolab {
namespace {

using ErkStepMemory = sundials::SolverMemoryHandle<ERKStepFree>;

struct ButcherTableFree {
  void operator()(ARKodeButcherTable table) const { ARKodeButcherTable_Free(table); }
};
using ButcherTableHandle =
    std::unique_ptr<std::remove_pointer_t<ARKodeButcherTable>, ButcherTableFree>;

void Check(int flag, const char* call) {
  sundials::CheckSetupFlag(flag, call, ERKStepGetReturnFlagName);
}

const sundials::SundialsApi kErkStepApi = {
    .library = "ARKODE",
    .evolve = ERKStepEvolve,
    .normal_task = ARK_NORMAL,
    .set_max_num_steps = ERKStepSetMaxNumSteps,
    .get_num_steps = ERKStepGetNumSteps,
    .get_current_time = ERKStepGetCurrentTime,
    .return_flag_name = ERKStepGetReturnFlagName,
    .too_much_work_flag = ARK_TOO_MUCH_WORK,
};

ARKODE_ERKTableID ArkodeTable(ErkTable table) {
  switch (table) {
    case ErkTable::kDormandPrince5:
      return ARKODE_DORMAND_PRINCE_7_4_5;
    case ErkTable::kVerner6:
      return ARKODE_VERNER_8_5_6;
  }
  FailInvariant(__FILE__, __LINE__, "ArkodeTable: unknown Butcher table");
}

bool IsFirstSameAsLast(const ARKodeButcherTableMem& table) {
  const int last = table.stages - 1;
  for (int j = 0; j < table.stages; ++j) {
    if (table.A[last][j] != table.b[j]) return false;
  }
  return true;
}

// SUNDIALS 6.4's ERKStep takes the last stage of every table whose last node
// is c_s = 1 as f(t_n+1, y_n+1), for the next step's first stage and for the
// dense output (llnl/sundials#311). That holds only when a_sj = b_j (first
// same as last); for Verner's 8-5-6 pair (c_8 = 1, a_8j != b_j) it drops the
// order from 6 to 3. Appending the stage Y_s+1 = y_n+1, i.e.
//   a_s+1,j = b_j,   c_s+1 = 1,   b_s+1 = d_s+1 = 0,
// leaves the method unchanged and makes the reuse exact, at the cost of the
// one evaluation that the reuse saves.
ButcherTableHandle LoadTable(ErkTable table) {
  ButcherTableHandle loaded(ARKodeButcherTable_LoadERK(ArkodeTable(table)));
  if (loaded == nullptr) throw SolverError("ARKodeButcherTable_LoadERK failed");
  if (loaded->c[loaded->stages - 1] != 1.0 || IsFirstSameAsLast(*loaded)) return loaded;

  const int stages = loaded->stages;
  ButcherTableHandle extended(ARKodeButcherTable_Alloc(stages + 1, SUNTRUE));
  if (extended == nullptr) throw SolverError("ARKodeButcherTable_Alloc failed");
  extended->q = loaded->q;
  extended->p = loaded->p;
  for (int i = 0; i < stages; ++i) {
    for (int j = 0; j < stages; ++j) extended->A[i][j] = loaded->A[i][j];
    extended->A[stages][i] = loaded->b[i];
    extended->b[i] = loaded->b[i];
    extended->d[i] = loaded->d[i];
    extended->c[i] = loaded->c[i];
  }
  extended->b[stages] = 0.0;
  extended->d[stages] = 0.0;
  extended->c[stages] = 1.0;
  return extended;
}

// ERKStep memory for dx/dt = f(t, x), x(t0) = y, with the given Butcher
// table, scalar tolerances, the initial step of the options (0: ARKODE
// estimates it) and the end of the pass as stop time.
ErkStepMemory MakeErkStep(ErkTable table, const SimulationProblem& problem,
                          const IntegratorOptions& options, N_Vector y, sundials::RhsData* rhs,
                          sundials::SolverErrorLog* log, SUNContext context) {
  ErkStepMemory memory(ERKStepCreate(sundials::EvaluateRhs, problem.start_time_s, y, context));
  if (memory == nullptr) throw SolverError("ERKStepCreate could not allocate the solver memory");
  Check(ERKStepSetErrHandlerFn(memory.get(), sundials::SolverErrorLog::Record, log),
        "ERKStepSetErrHandlerFn");
  Check(ERKStepSetUserData(memory.get(), rhs), "ERKStepSetUserData");
  // ERKStep keeps its own copy of the table.
  Check(ERKStepSetTable(memory.get(), LoadTable(table).get()), "ERKStepSetTable");
  Check(ERKStepSStolerances(memory.get(), options.rtol, options.atol), "ERKStepSStolerances");
  Check(ERKStepSetInitStep(memory.get(), options.step_s), "ERKStepSetInitStep");
  Check(ERKStepSetStopTime(memory.get(), problem.end_time_s()), "ERKStepSetStopTime");
  return memory;
}

// Accepted steps, rejected steps (error-test failures) and right-hand side
// evaluations of the solve so far.
SolverStatistics ErkStepStatistics(void* memory) {
  long steps = 0, error_test_failures = 0, evaluations = 0;
  Check(ERKStepGetNumSteps(memory, &steps), "ERKStepGetNumSteps");
  Check(ERKStepGetNumErrTestFails(memory, &error_test_failures), "ERKStepGetNumErrTestFails");
  Check(ERKStepGetNumRhsEvals(memory, &evaluations), "ERKStepGetNumRhsEvals");
  return SolverStatistics{
      .steps = steps, .rejected_steps = error_test_failures, .rhs_evaluations = evaluations};
}

}  // namespace

std::string ArkodeErkIntegrator::name() const {
  switch (table_) {
    case ErkTable::kDormandPrince5:
      return "arkode_dopri5";
    case ErkTable::kVerner6:
      return "arkode_verner6";
  }
  return "arkode_erk";
}

SchemeTraits ArkodeErkIntegrator::traits() const {
  // Verner's 8-5-6 pair: 8 stages, order 6.
  const int order = table_ == ErkTable::kDormandPrince5 ? 5 : 6;
  return SchemeTraits{.fixed_step = false, .symplectic = false, .symmetric = false, .order = order};
}

IntegratorOptions ArkodeErkIntegrator::DoResolveOptions(const SimulationProblem& problem,
                                                        const IntegratorOptions& requested) const {
  return detail::ResolveAdaptiveOptions(problem, requested);
}

void ArkodeErkIntegrator::DoIntegrate(const SimulationProblem& problem,
                                      const IntegratorOptions& options, OutputSink* sink,
                                      Trajectory* trajectory) const {
  sundials::RhsData rhs(problem);
  sundials::SolverErrorLog log;
  const sundials::SunContextHandle context = sundials::MakeContext();
  const sundials::NVectorHandle y =
      sundials::MakeSerialVector(Flatten(problem.initial_state), context.get());
  const ErkStepMemory memory =
      MakeErkStep(table_, problem, options, y.get(), &rhs, &log, context.get());

  const sundials::SundialsRun run{kErkStepApi, memory.get(), y.get(), &rhs, &log};
  sundials::SolveAtOutputTimes(
      run, problem, options, [sink](double t_s, const PhaseState& x) { return sink->Emit(t_s, x); },
      trajectory);
  trajectory->stats = ErkStepStatistics(memory.get());
}

}  // namespace echolab

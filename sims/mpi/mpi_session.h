#pragma once

#include <string>

namespace echolab {

/// Whether an MPI launcher started this process: mpirun or mpiexec of Open
/// MPI (OMPI_COMM_WORLD_SIZE), of MPICH (PMI_SIZE), or any PMIx launcher
/// such as `srun --mpi=pmix` (PMIX_RANK).
bool StartedByMpiLauncher();

/// MPI for the life of the object, on MPI_COMM_WORLD: MPI_Init_thread with
/// MPI_THREAD_FUNNELED (only the thread that made the session calls MPI; the
/// others compute), MPI_Finalize at the end.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  /// Ends every rank of the job at once (MPI_Abort) after printing `message`:
  /// for a failure that leaves the others waiting forever.
  [[noreturn]] static void Abort(const std::string& message, int exit_code);

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace echolab

#include "learning/training/sequence_model.h"

#include <fmt/format.h>

#include "common/error.h"

namespace echolab {

void SequenceModel::SetState(const Eigen::VectorXd& state) {
  if (state.size() != 0) {
    throw InputError(
        fmt::format("state: expected none for this model, got {} values", state.size()));
  }
}

}  // namespace echolab

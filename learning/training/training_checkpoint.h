#pragma once

#include <filesystem>

#include "learning/training/training_state.h"

namespace echolab {

/// Writes the state as JSON (numbers in shortest round-trip form, so that a
/// loaded state equals the saved one bit for bit) to a temporary file beside
/// `path`, then renames it over `path`: a reader sees the old checkpoint or
/// the new one, never a partial file.
void SaveCheckpoint(const TrainingState& state, const std::filesystem::path& path);

/// Reads a checkpoint; throws InputError naming the file and the missing or
/// malformed field.
TrainingState LoadCheckpoint(const std::filesystem::path& path);

}  // namespace echolab

#pragma once

#include <filesystem>
#include <string>

namespace echolab {

/// Where a command may write its output folder, checked before any work:
/// the path is made absolute and normal (a trailing slash, `.` and `..`
/// resolved), and refused (InputError, naming the option) when it is
///  - the root folder, the home folder, the current folder or one of its
///    ancestors (replacing it would delete the user's files);
///  - an existing file, or a symbolic link;
///  - an existing folder that holds files and was not written by echolab
///    (see IsEcholabOutput), unless `force`.
/// Returns the normalised absolute path.
std::filesystem::path CheckOutputDestination(const std::filesystem::path& requested, bool force);

/// The output folder of `command` when -o is not given: out/COMMAND/STEM,
/// STEM the input file's name without extension, or "stdin" for "-".
std::filesystem::path DefaultOutputFolder(const std::string& command,
                                          const std::string& input_path);

/// Whether `folder` holds an earlier echolab run's output: a meta.json,
/// summary.json or gradcheck.json that names an echolab version, or the
/// state or lock file of a sweep.
bool IsEcholabOutput(const std::filesystem::path& folder);

}  // namespace echolab

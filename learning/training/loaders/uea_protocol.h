#pragma once

#include <vector>

#include "learning/training/sequence_model.h"

namespace echolab {

/// The UEA protocol of the LinOSS and RHEL papers' code, in three steps: the TRAIN and
/// TEST files of a data set merged into one (MergeDatasets), the sequences that occur twice
/// removed (RemoveDuplicateSequences), and a seeded 70/15/15 split of what is left (the
/// `split` and `split_seed` of [training], dataset_split.h).

/// The examples of every part, in order, as one data set named after the first part. The
/// parts must agree on the task, the channels and the classes (InputError naming the part
/// otherwise).
SequenceDataset MergeDatasets(const std::vector<SequenceDataset>& parts);

/// Removes every example whose inputs and label (targets, for regression) equal those of an
/// earlier one, bit for bit; keeps the first. Returns how many were removed.
int RemoveDuplicateSequences(SequenceDataset& data);

/// Appends a time channel to every example: t_k = k / K at step k = 0 … K − 1 of a
/// sequence of K steps (in [0, 1), whatever the length).
void AppendTimeChannel(SequenceDataset& data);

}  // namespace echolab

#pragma once

#include <string>

#include "learning/training/sequence_model.h"

namespace echolab {

/// Reads a classification data set in the UEA/sktime `.ts` text format:
///
///   # comments
///   @problemName NAME
///   @timeStamps false
///   @univariate true|false
///   @dimensions D            (optional; checked against the data)
///   @equalLength true
///   @seriesLength N          (optional; checked against the data)
///   @classLabel true A B C
///   @data
///   0.1,0.2,...,0.5:1.0,1.1,...,1.4:B
///
/// Each data line is one sequence: D comma-separated series separated by ':'
/// and the class label last. Classes are numbered in the order of
/// @classLabel. Time stamps, unequal lengths, missing values ('?') and
/// regression targets are refused. Every error is an InputError
/// "FILE:LINE: what was expected".
SequenceDataset LoadTsFile(const std::string& path);

}  // namespace echolab

#pragma once
// Merging sessions of one model calibrated on different data shards (`calibscope-cli merge`,
// FORMATS.md "Session"): the statistics of one run over the shards in argument order.
#include "core/calibration.h"

#include <string>
#include <vector>

namespace cs {

// `sessions` (at least two) must be of the same model (sha256), point mode, point list,
// per-point and weight observer configurations, compare observers, histogram bins and
// preprocessing; otherwise throws CalibError naming the first difference (`labels[i]`, e.g.
// the file names, name the sessions; default "session 1", "session 2", ...).
//
// The result: per-batch summaries concatenated in order; counts, NaN/Inf, sums, min/max and
// mean/std over all of them (bit-identical to one run over the same batches); accumulated
// histograms merged (AccumulatedHistogram::merge: exact when the grids align, otherwise
// each bin placed within one source bin); weights from the first session (equal ranges
// checked). Every point's configured and compare observers are rebuilt from the merged
// observer states (mergeObserverStates); an observer that cannot be merged is reported in
// `notes` and in the result's warnings, per point: a compare observer is dropped, a
// configured one keeps the first session's result and observer. The evaluation is dropped
// (it described another calibration); images/batches/seconds are sums and config.data
// describes the shards ("A + B").
//
// `banks[i]` holds the live observers of `sessions[i]` (null or missing = none); the merged
// observers go to `mergedBank` when given.
CalibrationResult mergeSessions(const std::vector<CalibrationResult>& sessions,
                                const std::vector<const ObserverBank*>& banks, ObserverBank* mergedBank = nullptr,
                                std::vector<std::string>* notes = nullptr, const std::vector<std::string>& labels = {});

} // namespace cs

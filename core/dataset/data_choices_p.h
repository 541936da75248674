#pragma once
// Internal to calibscope_data: the data choices of a DatasetSpec that act on whole samples
// of any format, applied over the [start, start + count) window.
#include "core/dataset/dataset_source.h"

#include <memory>

namespace cs {

// Wraps `window` (the window of `spec` over its file) with the horizontal flip of
// spec.preprocess and the seeded random subset of spec.sample; returns it unchanged when
// neither is set.
std::unique_ptr<DatasetSource> applyDataChoices(std::unique_ptr<DatasetSource> window, const DatasetSpec& spec);

// Whether sample `fileIndex` (its index in the file) is mirrored under `config`.
bool flipsSample(const PreprocessConfig& config, int64_t fileIndex);

} // namespace cs

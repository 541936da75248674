#pragma once
// Internal to calibscope_data: one opener per format, called by openDataset().
#include "core/dataset/dataset_source.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cs {

std::unique_ptr<DatasetSource> openIdxSource(const DatasetSpec& spec);
std::unique_ptr<DatasetSource> openNpySource(const DatasetSpec& spec);
std::unique_ptr<DatasetSource> openPtSource(const DatasetSpec& spec);
std::unique_ptr<DatasetSource> openImageFolderSource(const DatasetSpec& spec, const ProgressCallback& progress);

// A 1-D array of integer labels from an IDX, .npy or .pt file (chosen by the name).
std::vector<int64_t> readLabelsFile(const std::string& path);
// The .pt part of readLabelsFile (pt_source.cpp owns everything LibTorch).
std::vector<int64_t> readPtLabels(const std::string& path);

// Checks that a labels file matches the samples; throws CalibError naming the labels file.
void checkLabelCount(const std::string& labelsPath, size_t labels, int64_t samples);

} // namespace cs

#pragma once
// Internal to calibscope_data: one opener per format, called by openDataset().
#include "core/dataset/dataset_source.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
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

// The shape of one sample of an array [N, ...] of samples (`container` names the array in
// the message: "an array", "a tensor"); throws CalibError naming the file when the array is a
// single value, holds no samples or its samples are empty.
std::vector<int64_t> sampleShapeOf(const std::string& path, const std::vector<int64_t>& shape,
                                   const std::string& container);

// What the sources over one array file (IDX, .npy, .pt) share: the file, the sample shape,
// the labels and the warnings.
class ArraySource : public DatasetSource {
public:
    std::vector<int64_t> sampleShape() const override { return m_sampleShape; }
    std::string path() const override { return m_path; }
    bool hasLabels() const override { return !m_labels.empty(); }
    int64_t label(int64_t index) const override { return m_labels.empty() ? -1 : m_labels[size_t(index)]; }
    std::vector<std::string> warnings() const override { return m_warnings; }

protected:
    explicit ArraySource(std::string path) : m_path(std::move(path)) {}

    // Reads the labels file, if one is named, and checks it against size().
    void readLabels(const std::string& labelsPath)
    {
        if (labelsPath.empty())
            return;
        m_labels = readLabelsFile(labelsPath);
        checkLabelCount(labelsPath, m_labels.size(), size());
    }

    std::string m_path;
    std::vector<int64_t> m_sampleShape;
    std::vector<int64_t> m_labels;
    std::vector<std::string> m_warnings;
};

// What the sources that select from another source share: all but the samples and labels
// they pick come from the inner source, and their own warnings follow the inner ones.
class InnerSource : public DatasetSource {
public:
    std::vector<int64_t> sampleShape() const override { return m_inner->sampleShape(); }
    bool hasLabels() const override { return m_inner->hasLabels(); }
    std::vector<std::string> classNames() const override { return m_inner->classNames(); }
    int64_t skippedCount() const override { return m_inner->skippedCount(); }
    std::vector<std::string> warnings() const override
    {
        std::vector<std::string> all = m_inner->warnings();
        all.insert(all.end(), m_extraWarnings.begin(), m_extraWarnings.end());
        return all;
    }
    std::string path() const override { return m_inner->path(); }

    std::vector<std::string> m_extraWarnings;

protected:
    explicit InnerSource(std::unique_ptr<DatasetSource> inner) : m_inner(std::move(inner)) {}

    std::unique_ptr<DatasetSource> m_inner;
};

} // namespace cs

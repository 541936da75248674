#pragma once
#include "core/dataset/dataset_spec.h"
#include "core/progress.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cs {

// A random-access set of preprocessed samples. Index i always yields the same values, and
// size() is exact: every problem with the files is found when the source is opened. The
// const members are safe to call from several threads at once (a prefetch thread and a
// GUI preview, say).
class DatasetSource {
public:
    virtual ~DatasetSource() = default;

    virtual int64_t size() const = 0;
    // After preprocessing, without the batch dimension, e.g. [3, 224, 224].
    virtual std::vector<int64_t> sampleShape() const = 0;
    // Writes sampleNumel() floats, channel-first.
    virtual void readSample(int64_t index, float* out) const = 0;
    virtual bool hasLabels() const = 0;
    virtual int64_t label(int64_t index) const = 0;              // -1 when unlabelled
    // Names of the label values (image folder subfolders); empty when the files carry none.
    virtual std::vector<std::string> classNames() const { return {}; }
    // Files left out while opening (unreadable images, non-image files), with the reasons.
    virtual int64_t skippedCount() const { return 0; }
    virtual std::vector<std::string> warnings() const { return {}; }
    // What the user pointed at, for messages.
    virtual std::string path() const = 0;

    int64_t sampleNumel() const;
};

// Opens any supported dataset. Throws CalibError naming the path on a missing path, an
// unsupported or malformed file, an empty dataset, or preprocessing that cannot apply.
// Image folders decode every file once here; `progress` (optional) reports that scan and
// may cancel it (JobCancelled).
std::unique_ptr<DatasetSource> openDataset(const DatasetSpec& spec, const ProgressCallback& progress = {});

// Throws CalibError("dataset sample shape [1, 32, 32] does not fit the model input
// [1, 1, 28, 28]") unless sampleShape equals the model input without its batch dimension.
// Non-positive entries of the model input are dynamic and match any size; an empty model
// input shape means unknown and matches anything.
void checkSampleShape(const std::vector<int64_t>& expectedInputShape, const std::vector<int64_t>& sampleShape);

// "10000 samples of [1, 28, 28], labelled (10 classes), 2 files skipped" for logs and the GUI.
std::string describeDataset(const DatasetSource& source);

} // namespace cs

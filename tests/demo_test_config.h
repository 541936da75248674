#pragma once
// The demo's calibration split (Debian's Fashion-MNIST train[59000:60000], the demo's
// preprocessing) as a CalibrationConfig, for the tests and benchmarks that calibrate the demo.
#include "core/calibration.h"

#include <string>

namespace cs::test {

// The split and the demo's normalization, with no scale given: the automatic 1/255 applies
// (as in a session made without a preprocessing file).
inline CalibrationConfig demoSplitConfig(const std::string& modelPath)
{
    CalibrationConfig c;
    c.modelPath = modelPath;
    c.data.path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    c.data.start = 59000;
    c.data.count = 1000;
    c.data.preprocess.mean = {0.2860};
    c.data.preprocess.stddev = {0.3530};
    return c;
}

inline CalibrationConfig demoCalibrationConfig(const std::string& modelPath, int batches, int threads = 0)
{
    CalibrationConfig c = demoSplitConfig(modelPath);
    c.data.preprocess.scale = 1.0 / 255.0;
    c.batchSize = 32;
    c.numBatches = batches;
    c.threads = threads;
    return c;
}

// The split with every observer compared, 30 batches unless the caller says otherwise.
inline CalibrationConfig demoCompareConfig(const std::string& modelPath)
{
    CalibrationConfig c = demoSplitConfig(modelPath);
    c.compareObservers = true;
    return c;
}

} // namespace cs::test

#pragma once
// The demo's calibration split (Debian's Fashion-MNIST train[59000:60000], the demo's
// preprocessing) as a CalibrationConfig, for the tests and benchmarks that calibrate the demo.
#include "core/calibration.h"

#include <string>

namespace cs::test {

inline CalibrationConfig demoCalibrationConfig(const std::string& modelPath, int batches, int threads = 0)
{
    CalibrationConfig c;
    c.modelPath = modelPath;
    c.data.path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    c.data.start = 59000;
    c.data.count = 1000;
    c.data.preprocess.scale = 1.0 / 255.0;
    c.data.preprocess.mean = {0.2860};
    c.data.preprocess.stddev = {0.3530};
    c.batchSize = 32;
    c.numBatches = batches;
    c.threads = threads;
    return c;
}

} // namespace cs::test

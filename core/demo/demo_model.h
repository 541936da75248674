#pragma once
#include "core/progress.h"

#include <cstdint>
#include <string>

namespace cs {

// The bundled demo: a small residual CNN trained on Debian's Fashion-MNIST by calibscope
// itself, saved as TorchScript built with Module::define() (Python's torch.jit.load reads it).
struct DemoConfig {
    std::string outDir;            // default: demoDir()
    std::string dataDir;           // default: fashionMnistDir()
    int64_t trainImages = 59000;   // the last 1000 training images are the calibration split
    int64_t testImages = 10000;    // validation split (the labelled test set)
    int epochs = 1;
    int batchSize = 32;
    double learningRate = 2e-3;
    uint64_t seed = 0;
    int threads = 0;               // 0 = every core; the training itself always runs on one
                                   // thread, so that it gives the same weights everywhere
    bool force = false;            // retrain even when a cached model exists
};

struct DemoInfo {
    std::string modelPath;         // <outDir>/demo.pt
    std::string descriptionPath;   // <outDir>/demo.json: splits, preprocessing, accuracy
    double testAccuracy = 0;
    double trainSeconds = 0;
    int64_t parameterCount = 0;
    bool fromCache = false;
};

inline constexpr int64_t kDemoCalibrationImages = 1000;

// Trains (or reuses the cached result of an identical configuration) and saves the demo.
// Deterministic: the same configuration gives the same weights on any machine and with any
// thread count (seeded initialisation and data order, a fixed thread count).
// Throws CalibError when the dataset is missing, JobCancelled when progress says stop.
DemoInfo makeDemo(const DemoConfig& config, const ProgressCallback& progress = {});

// The demo's class names, in label order.
const char* const* fashionMnistClassNames();

} // namespace cs

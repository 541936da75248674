#pragma once
#include "core/dataset/dataset_spec.h"

#include <QString>

namespace cs::app {

// The demo's calibration setup, read from the description file make-demo writes beside the
// model (demo.json): its calibration split with the demo's preprocessing.
struct DemoPreset {
    DatasetSpec calibration;
    DatasetSpec validation;
    int batchSize = 32;
    int numBatches = -1; // the whole split
};

// Throws CalibError naming the file when it is missing or does not describe a demo.
DemoPreset loadDemoPreset(const QString& descriptionPath);

} // namespace cs::app

#pragma once
// The calibration and validation splits recorded in the demo's description (demo.json).
#include "core/dataset/dataset_spec.h"

#include <string>

namespace cs {

struct DemoSplits {
    DatasetSpec calibration;
    DatasetSpec validation;
};

// Throws CalibError naming the file when it is missing or not a demo description.
DemoSplits loadDemoSplits(const std::string& descriptionPath);

} // namespace cs

#pragma once
// Internal to core: the live observers behind a CalibrationResult (see calibration.h).
#include "core/calibration.h"
#include "core/observers/observer.h"

#include <map>
#include <memory>
#include <string>

namespace cs {

class ObserverBank {
public:
    struct Point {
        std::unique_ptr<obs::Observer> configured;
        std::map<std::string, std::unique_ptr<obs::Observer>> compare; // default params
        obs::QuantSpec compareSpec;
    };
    std::map<std::string, Point> points; // by point name
};

} // namespace cs

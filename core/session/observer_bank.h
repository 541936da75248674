#pragma once
// The live observers behind a CalibrationResult: ObserverBank is declared in
// core/calibration.h, where its owners see it.
#include "core/calibration.h"

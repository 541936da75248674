#pragma once
// Per-op configuration read from a qconfig JSON (`--overrides`, GUI import).
#include "core/calibration.h"

#include <map>
#include <string>
#include <vector>

namespace cs {

struct OverridesFile {
    std::map<std::string, ObserverConfig> overrides; // activation config by op name
    std::vector<std::string> notes;                  // what was read and what was not used
};

// Reads the "ops" of a calibscope qconfig (FORMATS.md): each op's "activation" block, and
// "quantize": false as keep-float. Throws CalibError naming the file and the op on bad
// entries (unknown observer, wrong types, out-of-range values).
OverridesFile loadOverrides(const std::string& path);

} // namespace cs

#pragma once
// Observer names, their parameters (what the GUI turns into editors and the CLI accepts as
// --act-param KEY=VALUE) and the factory. Names and parameter names follow
// shared/reference/README.md and FORMATS.md.

#include "core/observers/observer.h"
#include "core/observers/quant_types.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cs::obs {

struct ParamSpec {
    enum Type { Double, Int, Bool };
    std::string name;
    Type type = Double;
    double defaultValue = 0.0;
    double minValue = 0.0;  // inclusive
    double maxValue = 0.0;  // inclusive
    std::string help;
    // Changing it can be recomputed from the statistics the observer retains, without
    // running the model again (see Observer::retune).
    bool retunable = false;
};

struct ObserverInfo {
    std::string name;    // "percentile"
    std::string family;  // "horizon", "pytorch", "nvidia", "ti", "calibscope"
    std::string help;
    std::vector<ParamSpec> params;
    bool supportsPerChannel = false;
    // The result follows from the parameters alone (fixed_scale, user_range): the observer
    // can replace another at once, without running the model over the data again.
    bool needsNoStatistics = false;

    const ParamSpec* param(const std::string& key) const;
};

const std::vector<ObserverInfo>& observerRegistry();
// nullptr when unknown.
const ObserverInfo* findObserver(const std::string& name);
std::vector<std::string> observerNames();
// Observers whose range the user sets rather than the data (clip's fixed xmin/xmax,
// fixed_scale, user_range): with their default parameters they say nothing about the data, so
// comparisons, rankings and automatic plans leave them out unless the user gave parameters.
bool rangeSetByUser(const std::string& name);
// See ObserverInfo::needsNoStatistics; false for an unknown name.
bool needsNoStatistics(const std::string& name);

// Empty when `params` (a subset; missing keys take their defaults) are valid for `name`
// with `spec`; otherwise one message naming the problem and what is accepted.
std::string validateParams(const std::string& name, const ParamMap& params, const QuantSpec& spec);
// `params` with the defaults of the missing keys filled in (no validation).
ParamMap withDefaults(const ObserverInfo& info, const ParamMap& params);

// Throws std::invalid_argument (with the validateParams message) when the name, a
// parameter or the spec is not accepted.
std::unique_ptr<Observer> createObserver(const std::string& name, const ParamMap& params,
                                         const QuantSpec& spec);

}  // namespace cs::obs

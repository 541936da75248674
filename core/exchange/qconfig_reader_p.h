#pragma once
// Reading a qconfig JSON (calibscope's or hand-edited) into what each op entry says, key by
// key: absent keys stay unset so that a partial entry changes only what it names. Types are
// checked strictly; a bad entry is kept with its problem instead of being dropped.
#include "core/observers/observer.h"
#include "core/observers/quant_types.h"

#include <QJsonObject>

#include <optional>
#include <string>
#include <vector>

namespace cs {

struct QconfigBlock {
    std::optional<std::string> observer;
    std::optional<obs::ParamMap> params;
    std::optional<obs::DType> dtype;
    std::optional<obs::QScheme> qscheme;
    std::optional<int> chAxis;
    std::optional<int64_t> quantMin;
    std::optional<int64_t> quantMax;
    std::optional<bool> narrowRange;
    std::optional<bool> reduceRange;
    std::optional<bool> powerOfTwo;
    std::optional<bool> customRange;
    std::optional<bool> keepFloat;
    std::optional<std::vector<float>> min;
    std::optional<std::vector<float>> max;
    std::optional<std::vector<float>> scale;
    std::optional<std::vector<int64_t>> zeroPoint;

    bool hasValues() const { return min || max || scale || zeroPoint; }
};

struct QconfigOp {
    std::string name;      // "ops[3]" when the entry has no usable name
    int index = -1;        // position in "ops"
    std::optional<std::string> module;
    std::optional<std::string> kind;
    std::optional<std::string> fusedInto;
    std::optional<bool> passthrough;
    std::optional<bool> quantize;
    std::optional<QconfigBlock> activation;
    std::optional<QconfigBlock> weight;
    std::string problem;   // non-empty: the entry cannot be used, and why
};

struct QconfigFile {
    std::string path;
    int version = 1;
    std::string modelPath;    // "" when the file does not say
    std::string modelSha256;  // "" when the file does not say
    QJsonObject calibration;  // as written (empty when absent)
    std::vector<QconfigOp> ops;
    std::vector<std::string> notes; // file-level remarks (unknown top-level keys ...)
};

// Throws CalibError naming `path` when the file is missing or unreadable, is not JSON, is
// not a qconfig (no "ops" array, another "format") or comes from a newer calibscope.
QconfigFile readQconfig(const std::string& path);
QconfigFile parseQconfig(const std::string& bytes, const std::string& path);

} // namespace cs

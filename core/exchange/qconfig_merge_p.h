#pragma once
// Internal to the importer: a qconfig block laid over a point's current configuration, and
// the checks of the numbers a block carries.
#include "core/calibration.h"
#include "core/exchange/qconfig_reader_p.h"

#include <optional>
#include <string>

namespace cs {

// `base` with every key the block names replaced. A new observer starts from its default
// parameters; parameters equal to the registry default are dropped (ObserverConfig keeps
// only what differs). `quantize` is the op-level flag (false = keep float).
ObserverConfig mergeBlock(const ObserverConfig& base, const QconfigBlock* block, std::optional<bool> quantize);

// Equal up to how parameters are written (an explicit default equals an absent key).
bool sameConfig(const ObserverConfig& a, const ObserverConfig& b);

// "observer min_max -> percentile, percentile 99.99 -> 99.9, dtype qint8 -> qint16"
std::string describeChange(const ObserverConfig& from, const ObserverConfig& to);

// The block's min/max/scale/zero_point under `config`, checked: lengths (one per channel,
// `channels` when known, else any), finite positive scales, zero points inside the integer
// range, min <= max. Scale and zero point are computed from min/max when the block only
// gives those. Returns the problem ("" when fine); `out` is set when fine.
std::string blockValues(const QconfigBlock& block, const ObserverConfig& config, int64_t channels,
                        obs::ObserverResult& out);

bool sameValues(const obs::ObserverResult& a, const obs::ObserverResult& b);
// "scale 0.0275 -> 0.031" for the first differing number.
std::string describeValueChange(const obs::ObserverResult& from, const obs::ObserverResult& to);

} // namespace cs

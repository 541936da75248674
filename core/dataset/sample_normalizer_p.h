#pragma once
// Internal to calibscope_data.
#include "core/dataset/dataset_spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cs {

// The value part of preprocessing, shared by every source: v * scale, then
// (v - mean[c]) / std[c] with c the sample's first dimension (its channel in CHW).
class SampleNormalizer {
public:
    SampleNormalizer() = default;
    // `eightBit` picks the automatic scale; throws CalibError(subject, ...) when mean/std
    // do not match the channel count of `sampleShape`.
    SampleNormalizer(const PreprocessConfig& config, const std::vector<int64_t>& sampleShape, bool eightBit,
                     const std::string& subject);

    void apply(float* sample) const;

private:
    int64_t m_channels = 1;
    int64_t m_channelSize = 1;
    // Folded per channel into one multiply-add: v * m_mul[c] + m_add[c].
    std::vector<float> m_mul;
    std::vector<float> m_add;
    bool m_identity = true;
};

} // namespace cs

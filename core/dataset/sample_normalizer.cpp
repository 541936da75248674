#include "core/dataset/sample_normalizer_p.h"

#include "core/dataset/data_error_p.h"

namespace cs {
namespace {

double perChannel(const std::vector<double>& values, int64_t c, double fallback)
{
    if (values.empty())
        return fallback;
    return values.size() == 1 ? values.front() : values[size_t(c)];
}

} // namespace

SampleNormalizer::SampleNormalizer(const PreprocessConfig& config, const std::vector<int64_t>& sampleShape,
                                   bool eightBit, const std::string& subject)
{
    m_channels = sampleShape.empty() ? 1 : sampleShape.front();
    m_channelSize = m_channels > 0 ? shapeNumel(sampleShape) / m_channels : 0;
    const auto checkCount = [&](const std::vector<double>& values, const char* name) {
        if (values.size() > 1 && int64_t(values.size()) != m_channels)
            throw dataError(subject, std::string(name) + " has " + std::to_string(values.size())
                                         + " values but the samples have " + std::to_string(m_channels)
                                         + (m_channels == 1 ? " channel" : " channels") + " (sample shape "
                                         + formatShape(sampleShape) + ")");
    };
    checkCount(config.mean, "mean");
    checkCount(config.stddev, "std");

    const double scale = config.effectiveScale(eightBit);
    for (int64_t c = 0; c < m_channels; ++c) {
        const double mean = perChannel(config.mean, c, 0.0);
        const double stddev = perChannel(config.stddev, c, 1.0);
        // (v * scale - mean) / std, computed in double once per channel.
        m_mul.push_back(float(scale / stddev));
        m_add.push_back(float(-mean / stddev));
    }
    m_identity = scale == 1.0 && config.mean.empty() && config.stddev.empty();
}

void SampleNormalizer::apply(float* sample) const
{
    if (m_identity)
        return;
    for (int64_t c = 0; c < m_channels; ++c) {
        const float mul = m_mul[size_t(c)];
        const float add = m_add[size_t(c)];
        float* p = sample + c * m_channelSize;
        for (int64_t i = 0; i < m_channelSize; ++i)
            p[i] = p[i] * mul + add;
    }
}

} // namespace cs

#pragma once
// Internal to calibscope_data (OpenCV types; never include from a public header).
#include "core/dataset/dataset_spec.h"

#include <opencv2/core.hpp>

#include <string>

namespace cs {

// The geometric and colour part of image preprocessing: an 8-bit decoded image (BGR as
// OpenCV decodes it, or one channel) in, raw channel-first float pixel values out.
// Value scaling and mean/std are SampleNormalizer's job.
class ImagePipeline {
public:
    explicit ImagePipeline(const PreprocessConfig& config);

    // cv::imread flags for this configuration.
    int imreadFlags() const;
    // Channels of the output for a decoded image with `decodedChannels`.
    int outputChannels(int decodedChannels) const;
    // Size after resize and crop; sets `problem` (and returns the resized size) when the
    // crop does not fit.
    cv::Size outputSize(cv::Size input, std::string* problem) const;
    // Writes outputChannels() * height * width floats, channel-first.
    void toChw(const cv::Mat& decoded, float* out) const;

private:
    cv::Size resizedSize(cv::Size input) const;

    PreprocessConfig m_config;
};

// "32x28": width by height, as image sizes appear in messages.
std::string formatSize(cv::Size size);

} // namespace cs

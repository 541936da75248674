#include "core/dataset/image_pipeline_p.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace cs {

ImagePipeline::ImagePipeline(const PreprocessConfig& config) : m_config(config) {}

int ImagePipeline::imreadFlags() const
{
    // PIL (and so torchvision) ignores EXIF orientation; so do we, to give the same pixels.
    return (m_config.grayscale ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR) | cv::IMREAD_IGNORE_ORIENTATION;
}

int ImagePipeline::outputChannels(int decodedChannels) const
{
    return m_config.grayscale ? 1 : decodedChannels;
}

cv::Size ImagePipeline::resizedSize(cv::Size input) const
{
    if (m_config.resizeWidth > 0)
        return {m_config.resizeWidth, m_config.resizeHeight};
    if (m_config.resizeShorter > 0 && input.width > 0 && input.height > 0) {
        // torchvision Resize(int): the longer side is truncated, not rounded.
        const int s = m_config.resizeShorter;
        if (input.width <= input.height)
            return {s, int(int64_t(s) * input.height / input.width)};
        return {int(int64_t(s) * input.width / input.height), s};
    }
    return input;
}

cv::Size ImagePipeline::outputSize(cv::Size input, std::string* problem) const
{
    const cv::Size resized = resizedSize(input);
    if (!m_config.hasCrop())
        return resized;
    if (m_config.cropWidth > resized.width || m_config.cropHeight > resized.height) {
        if (problem)
            *problem = "center crop " + formatSize({m_config.cropWidth, m_config.cropHeight})
                + " is larger than the image (" + formatSize(resized)
                + (m_config.hasResize() ? " after resizing)" : ")");
        return resized;
    }
    return {m_config.cropWidth, m_config.cropHeight};
}

void ImagePipeline::toChw(const cv::Mat& decoded, float* out) const
{
    cv::Mat image = decoded;
    if (m_config.grayscale && image.channels() == 3)
        cv::cvtColor(image, image, cv::COLOR_BGR2GRAY);
    else if (image.channels() == 3 && m_config.colorOrder == ColorOrder::Rgb)
        cv::cvtColor(image, image, cv::COLOR_BGR2RGB);

    const cv::Size target = resizedSize(image.size());
    if (target != image.size()) {
        // Area averaging when shrinking is the OpenCV counterpart of PIL's antialiased
        // bilinear resize; plain bilinear when enlarging.
        const bool shrinking = target.width < image.cols || target.height < image.rows;
        cv::Mat resized;
        cv::resize(image, resized, target, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
        image = resized;
    }
    if (m_config.hasCrop()) {
        // torchvision rounds the offset with Python's round(): ties go to even.
        const int left = int(std::nearbyint((image.cols - m_config.cropWidth) / 2.0));
        const int top = int(std::nearbyint((image.rows - m_config.cropHeight) / 2.0));
        image = image(cv::Rect(left, top, m_config.cropWidth, m_config.cropHeight));
    }

    const int channels = image.channels();
    const int64_t plane = int64_t(image.rows) * image.cols;
    for (int y = 0; y < image.rows; ++y) {
        const uchar* row = image.ptr<uchar>(y);
        for (int x = 0; x < image.cols; ++x)
            for (int c = 0; c < channels; ++c)
                out[c * plane + int64_t(y) * image.cols + x] = float(row[x * channels + c]);
    }
}

std::string formatSize(cv::Size size)
{
    return std::to_string(size.width) + "x" + std::to_string(size.height);
}

} // namespace cs

// IDX files (MNIST, Fashion-MNIST): byte images go through the image pipeline (so resize
// and crop work on them too) as one-channel [1, H, W] samples; other IDX arrays are used
// as stored, like .npy.
#include "core/dataset/idx_reader.h"
#include "core/dataset/image_pipeline_p.h"
#include "core/dataset/sample_normalizer_p.h"
#include "core/dataset/sources_p.h"

#include "core/dataset/data_error_p.h"

namespace cs {
namespace {

class IdxSource : public ArraySource {
public:
    explicit IdxSource(const DatasetSpec& spec)
        : ArraySource(spec.path), m_array(readIdx(spec.path)), m_pipeline(spec.preprocess)
    {
        const std::vector<int64_t> item = sampleShapeOf(m_path, m_array.shape, "an array");
        m_itemNumel = shapeNumel(item);

        m_isImage = m_array.isBytes() && item.size() == 2;
        if (m_isImage) {
            m_imageSize = cv::Size(int(item[1]), int(item[0]));
            std::string problem;
            const cv::Size out = m_pipeline.outputSize(m_imageSize, &problem);
            if (!problem.empty())
                throw dataError(m_path, problem);
            m_sampleShape = {1, out.height, out.width};
        } else {
            m_sampleShape = item;
            if (spec.preprocess.hasImageSteps())
                m_warnings.push_back(m_path + ": resize, crop and colour settings apply to byte images only; "
                                              "these IDX samples are used as stored");
        }
        m_normalizer = SampleNormalizer(spec.preprocess, m_sampleShape, m_array.isBytes(), m_path);

        // A labels file the user names must exist; the one beside the images is optional.
        const std::string labelsPath = spec.labelsPath.empty() ? idxLabelsPathFor(spec.path) : spec.labelsPath;
        readLabels(labelsPath);
    }

    int64_t size() const override { return m_array.count(); }

    void readSample(int64_t index, float* out) const override
    {
        const int64_t offset = index * m_itemNumel;
        if (m_isImage) {
            // cv::Mat has no const view; the pipeline only reads from it.
            auto* pixels = const_cast<uint8_t*>(m_array.bytes.data() + offset);
            m_pipeline.toChw(cv::Mat(m_imageSize, CV_8UC1, pixels), out);
        } else {
            for (int64_t i = 0; i < m_itemNumel; ++i)
                out[i] = m_array.at(offset + i);
        }
        m_normalizer.apply(out);
    }

private:
    IdxArray m_array;
    ImagePipeline m_pipeline;
    bool m_isImage = false;
    cv::Size m_imageSize;
    int64_t m_itemNumel = 0;
    SampleNormalizer m_normalizer;
};

} // namespace

std::unique_ptr<DatasetSource> openIdxSource(const DatasetSpec& spec)
{
    return std::make_unique<IdxSource>(spec);
}

} // namespace cs

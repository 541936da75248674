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

class IdxSource : public DatasetSource {
public:
    explicit IdxSource(const DatasetSpec& spec)
        : m_path(spec.path), m_array(readIdx(spec.path)), m_pipeline(spec.preprocess)
    {
        if (m_array.count() == 0)
            throw dataError(m_path, "holds no samples (shape " + formatShape(m_array.shape) + ")");
        const std::vector<int64_t> item(m_array.shape.begin() + 1, m_array.shape.end());
        m_itemNumel = shapeNumel(item);
        if (m_itemNumel == 0)
            throw dataError(m_path, "samples are empty (shape " + formatShape(m_array.shape) + ")");

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
        if (!labelsPath.empty()) {
            m_labels = readLabelsFile(labelsPath);
            checkLabelCount(labelsPath, m_labels.size(), size());
        }
    }

    int64_t size() const override { return m_array.count(); }
    std::vector<int64_t> sampleShape() const override { return m_sampleShape; }
    std::string path() const override { return m_path; }
    bool hasLabels() const override { return !m_labels.empty(); }
    int64_t label(int64_t index) const override { return m_labels.empty() ? -1 : m_labels[size_t(index)]; }
    std::vector<std::string> warnings() const override { return m_warnings; }

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
    std::string m_path;
    IdxArray m_array;
    ImagePipeline m_pipeline;
    bool m_isImage = false;
    cv::Size m_imageSize;
    int64_t m_itemNumel = 0;
    std::vector<int64_t> m_sampleShape;
    SampleNormalizer m_normalizer;
    std::vector<int64_t> m_labels;
    std::vector<std::string> m_warnings;
};

} // namespace

std::unique_ptr<DatasetSource> openIdxSource(const DatasetSpec& spec)
{
    return std::make_unique<IdxSource>(spec);
}

} // namespace cs

// A .npy file holding one array [N, ...]: sample i is arr[i]. The file is memory-mapped so
// that a multi-gigabyte calibration set costs no RAM until its samples are read.
#include "core/dataset/npy_reader.h"
#include "core/dataset/sample_normalizer_p.h"
#include "core/dataset/sources_p.h"

#include "core/dataset/data_error_p.h"

#include <QFile>

namespace cs {
namespace {

class NpySource : public DatasetSource {
public:
    explicit NpySource(const DatasetSpec& spec) : m_path(spec.path), m_file(QString::fromStdString(spec.path))
    {
        if (!m_file.exists())
            throw dataError(m_path, "no such file");
        if (!m_file.open(QIODevice::ReadOnly))
            throw dataError(m_path, "cannot open: " + m_file.errorString().toStdString());
        const qint64 fileSize = m_file.size();
        m_data = fileSize > 0 ? m_file.map(0, fileSize) : nullptr;
        if (!m_data)
            throw dataError(m_path, fileSize == 0 ? "empty file" : "cannot map the file into memory");

        m_header = parseNpyHeader(m_data, size_t(fileSize), m_path);
        if (m_header.shape.empty())
            throw dataError(m_path, "holds a single value; expected an array [N, ...] of samples");
        if (m_header.shape.front() == 0)
            throw dataError(m_path, "holds no samples (shape " + formatShape(m_header.shape) + ")");
        if (m_header.dataOffset + m_header.numel() * m_header.itemSize > fileSize)
            throw dataError(m_path, "truncated .npy file: shape " + formatShape(m_header.shape) + " needs "
                                        + std::to_string(m_header.dataOffset + m_header.numel() * m_header.itemSize)
                                        + " bytes, the file has " + std::to_string(fileSize));
        m_sampleShape.assign(m_header.shape.begin() + 1, m_header.shape.end());
        m_sampleNumel = shapeNumel(m_sampleShape);
        if (m_sampleNumel == 0)
            throw dataError(m_path, "samples are empty (shape " + formatShape(m_header.shape) + ")");

        const bool eightBit = m_header.dtype == NpyDtype::UInt8;
        m_normalizer = SampleNormalizer(spec.preprocess, m_sampleShape, eightBit, m_path);
        if (spec.preprocess.hasImageSteps())
            m_warnings.push_back(m_path + ": resize, crop and colour settings apply to images only; "
                                          ".npy samples are used as stored");
        if (!spec.labelsPath.empty()) {
            m_labels = readLabelsFile(spec.labelsPath);
            checkLabelCount(spec.labelsPath, m_labels.size(), size());
        }
    }

    int64_t size() const override { return m_header.shape.front(); }
    std::vector<int64_t> sampleShape() const override { return m_sampleShape; }
    std::string path() const override { return m_path; }
    bool hasLabels() const override { return !m_labels.empty(); }
    int64_t label(int64_t index) const override { return m_labels.empty() ? -1 : m_labels[size_t(index)]; }
    std::vector<std::string> warnings() const override { return m_warnings; }

    void readSample(int64_t index, float* out) const override
    {
        const unsigned char* src = m_data + m_header.dataOffset + index * m_sampleNumel * m_header.itemSize;
        npyToFloat(m_header.dtype, src, m_sampleNumel, out);
        m_normalizer.apply(out);
    }

private:
    std::string m_path;
    QFile m_file;                 // stays open: the mapping lives as long as the QFile
    const unsigned char* m_data = nullptr;
    NpyHeader m_header;
    std::vector<int64_t> m_sampleShape;
    int64_t m_sampleNumel = 0;
    SampleNormalizer m_normalizer;
    std::vector<int64_t> m_labels;
    std::vector<std::string> m_warnings;
};

} // namespace

std::unique_ptr<DatasetSource> openNpySource(const DatasetSpec& spec)
{
    return std::make_unique<NpySource>(spec);
}

} // namespace cs

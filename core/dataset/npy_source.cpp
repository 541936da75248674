// A .npy file holding one array [N, ...]: sample i is arr[i]. The file is memory-mapped so
// that a multi-gigabyte calibration set costs no RAM until its samples are read.
#include "core/dataset/npy_reader.h"
#include "core/dataset/sample_normalizer_p.h"
#include "core/dataset/sources_p.h"

#include "core/dataset/data_error_p.h"

#include <QFile>

namespace cs {
namespace {

class NpySource : public ArraySource {
public:
    explicit NpySource(const DatasetSpec& spec) : ArraySource(spec.path), m_file(QString::fromStdString(spec.path))
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
        m_sampleShape = sampleShapeOf(m_path, m_header.shape, "an array");
        m_sampleNumel = shapeNumel(m_sampleShape);
        if (m_header.dataOffset + m_header.numel() * m_header.itemSize > fileSize)
            throw dataError(m_path, "truncated .npy file: shape " + formatShape(m_header.shape) + " needs "
                                        + std::to_string(m_header.dataOffset + m_header.numel() * m_header.itemSize)
                                        + " bytes, the file has " + std::to_string(fileSize));

        const bool eightBit = m_header.dtype == NpyDtype::UInt8;
        m_normalizer = SampleNormalizer(spec.preprocess, m_sampleShape, eightBit, m_path);
        if (spec.preprocess.hasImageSteps())
            m_warnings.push_back(m_path + ": resize, crop and colour settings apply to images only; "
                                          ".npy samples are used as stored");
        readLabels(spec.labelsPath);
    }

    int64_t size() const override { return m_header.shape.front(); }

    void readSample(int64_t index, float* out) const override
    {
        const unsigned char* src = m_data + m_header.dataOffset + index * m_sampleNumel * m_header.itemSize;
        npyToFloat(m_header.dtype, src, m_sampleNumel, out);
        m_normalizer.apply(out);
    }

private:
    QFile m_file;                 // stays open: the mapping lives as long as the QFile
    const unsigned char* m_data = nullptr;
    NpyHeader m_header;
    int64_t m_sampleNumel = 0;
    SampleNormalizer m_normalizer;
};

} // namespace

std::unique_ptr<DatasetSource> openNpySource(const DatasetSpec& spec)
{
    return std::make_unique<NpySource>(spec);
}

} // namespace cs

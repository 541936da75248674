#include "core/dataset/dataset_source.h"

#include "core/dataset/sources_p.h"
#include "core/dataset/data_choices_p.h"

#include "core/dataset/data_error_p.h"

#include <QFileInfo>

#include <algorithm>

namespace cs {
namespace {

// The [start, start + count) window of DatasetSpec over any source.
class WindowSource : public InnerSource {
public:
    WindowSource(std::unique_ptr<DatasetSource> inner, int64_t start, int64_t count)
        : InnerSource(std::move(inner)), m_start(start), m_count(count) {}

    int64_t size() const override { return m_count; }
    void readSample(int64_t index, float* out) const override { m_inner->readSample(m_start + index, out); }
    int64_t label(int64_t index) const override { return m_inner->label(m_start + index); }

private:
    int64_t m_start;
    int64_t m_count;
};

std::unique_ptr<DatasetSource> openWindow(std::unique_ptr<DatasetSource> source, const DatasetSpec& spec)
{
    if (spec.start == 0 && (spec.count < 0 || spec.count == source->size()))
        return source;
    if (spec.start < 0 || spec.count < -1)
        throw dataError(spec.path, "start must be >= 0 and count >= -1");
    const int64_t total = source->size();
    if (spec.start >= total)
        throw dataError(spec.path, "start " + std::to_string(spec.start) + " is past the end of its "
                                       + std::to_string(total) + " samples");
    const int64_t available = total - spec.start;
    const int64_t count = spec.count < 0 ? available : std::min(spec.count, available);
    if (count == 0)
        throw dataError(spec.path, "count 0 selects no samples");
    auto window = std::make_unique<WindowSource>(std::move(source), spec.start, count);
    if (spec.count > available)
        window->m_extraWarnings.push_back(spec.path + ": " + std::to_string(spec.count) + " samples requested from "
                                          + std::to_string(spec.start) + " but only " + std::to_string(available)
                                          + " remain; using those");
    return window;
}

} // namespace

std::vector<int64_t> sampleShapeOf(const std::string& path, const std::vector<int64_t>& shape,
                                   const std::string& container)
{
    if (shape.empty())
        throw dataError(path, "holds a single value; expected " + container + " [N, ...] of samples");
    if (shape.front() == 0)
        throw dataError(path, "holds no samples (shape " + formatShape(shape) + ")");
    std::vector<int64_t> sample(shape.begin() + 1, shape.end());
    if (shapeNumel(sample) == 0)
        throw dataError(path, "samples are empty (shape " + formatShape(shape) + ")");
    return sample;
}

int64_t DatasetSource::sampleNumel() const
{
    return shapeNumel(sampleShape());
}

std::unique_ptr<DatasetSource> openDataset(const DatasetSpec& spec, const ProgressCallback& progress)
{
    if (spec.path.empty())
        throw CalibError("no dataset path given");
    if (!QFileInfo::exists(QString::fromStdString(spec.path)))
        throw dataError(spec.path, "no such file or folder");
    spec.preprocess.validate(spec.path + " preprocessing");

    const DatasetFormat format = spec.format == DatasetFormat::Auto ? detectFormat(spec.path) : spec.format;
    std::unique_ptr<DatasetSource> source;
    switch (format) {
    case DatasetFormat::ImageFolder: source = openImageFolderSource(spec, progress); break;
    case DatasetFormat::Idx: source = openIdxSource(spec); break;
    case DatasetFormat::Npy: source = openNpySource(spec); break;
    case DatasetFormat::Pt: source = openPtSource(spec); break;
    case DatasetFormat::Auto: break;
    }
    if (!source || source->size() == 0)
        throw dataError(spec.path, "empty dataset");
    return applyDataChoices(openWindow(std::move(source), spec), spec);
}

void checkSampleShape(const std::vector<int64_t>& expectedInputShape, const std::vector<int64_t>& sampleShape)
{
    if (expectedInputShape.empty())
        return;
    bool fits = expectedInputShape.size() == sampleShape.size() + 1;
    for (size_t i = 0; fits && i < sampleShape.size(); ++i) {
        const int64_t expected = expectedInputShape[i + 1];
        fits = expected <= 0 || expected == sampleShape[i];
    }
    if (!fits)
        throw CalibError("dataset sample shape " + formatShape(sampleShape) + " does not fit the model input "
                         + formatShape(expectedInputShape));
}

std::string describeDataset(const DatasetSource& source)
{
    std::string text = std::to_string(source.size()) + (source.size() == 1 ? " sample of " : " samples of ")
        + formatShape(source.sampleShape());
    if (source.hasLabels()) {
        const auto names = source.classNames();
        text += names.empty() ? ", labelled" : ", labelled (" + std::to_string(names.size()) + " classes)";
    } else {
        text += ", unlabelled";
    }
    if (source.skippedCount() > 0)
        text += ", " + std::to_string(source.skippedCount())
            + (source.skippedCount() == 1 ? " file skipped" : " files skipped");
    return text;
}

} // namespace cs

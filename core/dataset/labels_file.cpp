// Label files for tensor datasets: IDX (MNIST's labels-idx1), .npy or .pt, by name.
#include "core/dataset/idx_reader.h"
#include "core/dataset/npy_reader.h"
#include "core/dataset/sources_p.h"

#include "core/dataset/data_error_p.h"

#include <QFileInfo>

#include <cmath>

namespace cs {

namespace {

// Labels are class indices: a negative one would silently count as unlabelled and a huge
// one can never match a model's output, so both mean the file is not what the user thinks.
constexpr int64_t kMaxLabel = int64_t(1) << 24;

std::vector<int64_t> checkedLabels(std::vector<int64_t> labels, const std::string& path)
{
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] < 0 || labels[i] >= kMaxLabel)
            throw dataError(path, "label " + std::to_string(i) + " is " + std::to_string(labels[i])
                                      + "; labels must be class indices in [0, " + std::to_string(kMaxLabel) + ")");
    return labels;
}

std::vector<int64_t> readLabelsUnchecked(const std::string& path);

} // namespace

std::vector<int64_t> readLabelsFile(const std::string& path)
{
    return checkedLabels(readLabelsUnchecked(path), path);
}

namespace {

std::vector<int64_t> readLabelsUnchecked(const std::string& path)
{
    const QFileInfo info(QString::fromStdString(path));
    if (!info.exists() || info.isDir())
        throw dataError(path, "labels file not found");
    const QString suffix = info.suffix().toLower();
    if (suffix == QLatin1String("npy"))
        return readNpyIntegers(path);
    if (suffix == QLatin1String("pt") || suffix == QLatin1String("pth"))
        return readPtLabels(path);

    const IdxArray array = readIdx(path);
    if (array.shape.size() != 1)
        throw dataError(path, "labels must be a 1-D array, not " + formatShape(array.shape));
    std::vector<int64_t> labels(size_t(array.count()));
    for (size_t i = 0; i < labels.size(); ++i) {
        const float v = array.at(int64_t(i));
        if (v != std::floor(v))
            throw dataError(path, "labels must be integers");
        labels[i] = int64_t(v);
    }
    return labels;
}

} // namespace

void checkLabelCount(const std::string& labelsPath, size_t labels, int64_t samples)
{
    if (int64_t(labels) != samples)
        throw dataError(labelsPath, "has " + std::to_string(labels) + " labels for "
                                        + std::to_string(samples) + " samples");
}

} // namespace cs

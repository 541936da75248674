// Label files for tensor datasets: IDX (MNIST's labels-idx1), .npy or .pt, by name.
#include "core/dataset/idx_reader.h"
#include "core/dataset/npy_reader.h"
#include "core/dataset/sources_p.h"

#include "core/dataset/data_error_p.h"

#include <QFileInfo>

#include <cmath>

namespace cs {

std::vector<int64_t> readLabelsFile(const std::string& path)
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

void checkLabelCount(const std::string& labelsPath, size_t labels, int64_t samples)
{
    if (int64_t(labels) != samples)
        throw dataError(labelsPath, "has " + std::to_string(labels) + " labels for "
                                        + std::to_string(samples) + " samples");
}

} // namespace cs

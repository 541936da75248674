#include "core/dataset/dataset_spec.h"

#include "core/dataset/data_error_p.h"

#include <QFileInfo>

#include <cmath>

namespace cs {

bool PreprocessConfig::hasImageSteps() const
{
    return hasResize() || hasCrop() || grayscale || colorOrder != ColorOrder::Rgb;
}

double PreprocessConfig::effectiveScale(bool eightBit) const
{
    if (scale)
        return *scale;
    return eightBit ? 1.0 / 255.0 : 1.0;
}

void PreprocessConfig::validate(const std::string& subject) const
{
    const auto fail = [&](const std::string& reason) { throw dataError(subject, reason); };
    if (resizeWidth < 0 || resizeHeight < 0 || resizeShorter < 0 || cropWidth < 0 || cropHeight < 0)
        fail("sizes must not be negative");
    if ((resizeWidth > 0) != (resizeHeight > 0))
        fail("resize needs both a width and a height");
    if ((cropWidth > 0) != (cropHeight > 0))
        fail("center crop needs both a width and a height");
    if (resizeWidth > 0 && resizeShorter > 0)
        fail("resize and resize_shorter exclude each other");
    if (scale && (!std::isfinite(*scale) || *scale == 0.0))
        fail("scale must be a finite non-zero number");
    for (double m : mean)
        if (!std::isfinite(m))
            fail("mean values must be finite");
    for (double s : stddev)
        if (!std::isfinite(s) || s == 0.0)
            fail("std values must be finite and non-zero");
    if (!mean.empty() && !stddev.empty() && mean.size() != stddev.size() && mean.size() != 1 && stddev.size() != 1)
        fail("mean has " + std::to_string(mean.size()) + " values but std has " + std::to_string(stddev.size()));
}

bool PreprocessConfig::operator==(const PreprocessConfig& o) const
{
    return resizeWidth == o.resizeWidth && resizeHeight == o.resizeHeight && resizeShorter == o.resizeShorter
        && cropWidth == o.cropWidth && cropHeight == o.cropHeight && colorOrder == o.colorOrder
        && grayscale == o.grayscale && scale == o.scale && mean == o.mean && stddev == o.stddev && layout == o.layout
        && flipHorizontal == o.flipHorizontal && (flipHorizontal != FlipMode::Random || flipSeed == o.flipSeed);
}

bool DatasetSpec::operator==(const DatasetSpec& o) const
{
    return format == o.format && path == o.path && labelsPath == o.labelsPath && start == o.start
        && count == o.count && sample == o.sample && (sample == 0 || sampleSeed == o.sampleSeed)
        && preprocess == o.preprocess;
}

std::string datasetFormatName(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::Auto: return "auto";
    case DatasetFormat::ImageFolder: return "imagefolder";
    case DatasetFormat::Idx: return "idx";
    case DatasetFormat::Npy: return "npy";
    case DatasetFormat::Pt: return "pt";
    }
    return "auto";
}

DatasetFormat parseDatasetFormat(const std::string& name)
{
    for (DatasetFormat f : {DatasetFormat::Auto, DatasetFormat::ImageFolder, DatasetFormat::Idx,
                            DatasetFormat::Npy, DatasetFormat::Pt})
        if (datasetFormatName(f) == name)
            return f;
    throw dataError("dataset format \"" + name + "\"", "unknown; use auto, imagefolder, idx, npy or pt");
}

DatasetFormat detectFormat(const std::string& path)
{
    const QString qpath = QString::fromStdString(path);
    const QFileInfo info(qpath);
    if (!info.exists())
        throw dataError(path, "no such file or folder");
    if (info.isDir())
        return DatasetFormat::ImageFolder;

    QString name = info.fileName().toLower();
    if (name.endsWith(QLatin1String(".gz")))
        name.chop(3);
    // MNIST-style names end in "-idx3-ubyte" (some mirrors use a dot: "images.idx3-ubyte").
    if (name.endsWith(QLatin1String(".idx")) || name.contains(QLatin1String("idx1-"))
        || name.contains(QLatin1String("idx2-")) || name.contains(QLatin1String("idx3-"))
        || name.contains(QLatin1String("idx4-")))
        return DatasetFormat::Idx;
    if (name.endsWith(QLatin1String(".npy")))
        return DatasetFormat::Npy;
    if (name.endsWith(QLatin1String(".pt")) || name.endsWith(QLatin1String(".pth")))
        return DatasetFormat::Pt;
    throw dataError(path, "cannot tell the dataset format from the name; "
                          "give it explicitly (imagefolder, idx, npy or pt)");
}

std::string formatShape(const std::vector<int64_t>& shape)
{
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            text += ", ";
        text += std::to_string(shape[i]);
    }
    return text + "]";
}

int64_t shapeNumel(const std::vector<int64_t>& shape)
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

} // namespace cs

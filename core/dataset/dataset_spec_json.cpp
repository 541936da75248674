// JSON form of PreprocessConfig and DatasetSpec: the session file and `--preprocess PRE.json`.
#include "core/dataset/dataset_spec.h"

#include "core/dataset/data_error_p.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QStringList>

#include <cmath>
#include <tuple>
#include <utility>

namespace cs {
namespace {

// Reads typed fields of one JSON object, naming the key and the expected type on error.
class FieldReader {
public:
    FieldReader(const QJsonObject& object, std::string subject)
        : m_object(object), m_subject(std::move(subject)) {}

    void rejectUnknownKeys(const QStringList& known) const
    {
        for (const QString& key : m_object.keys())
            if (!known.contains(key))
                fail(key, "unknown key (known: " + known.join(QStringLiteral(", ")).toStdString() + ")");
    }

    bool has(const QString& key) const { return m_object.contains(key) && !m_object.value(key).isNull(); }
    QJsonValue value(const QString& key) const { return m_object.value(key); }

    std::string string(const QString& key, const std::string& fallback) const
    {
        if (!has(key))
            return fallback;
        if (!value(key).isString())
            fail(key, "must be a string");
        return value(key).toString().toStdString();
    }

    bool boolean(const QString& key, bool fallback) const
    {
        if (!has(key))
            return fallback;
        if (!value(key).isBool())
            fail(key, "must be true or false");
        return value(key).toBool();
    }

    int64_t integer(const QString& key, int64_t fallback) const
    {
        return has(key) ? toInteger(key, value(key)) : fallback;
    }

    double number(const QString& key) const
    {
        if (!value(key).isDouble())
            fail(key, "must be a number");
        return value(key).toDouble();
    }

    // A list of numbers; a single number is accepted as a one-element list.
    std::vector<double> numbers(const QString& key) const
    {
        if (!has(key))
            return {};
        const QJsonValue v = value(key);
        if (v.isDouble())
            return {v.toDouble()};
        if (!v.isArray())
            fail(key, "must be an array of numbers");
        std::vector<double> out;
        for (const QJsonValue& item : v.toArray()) {
            if (!item.isDouble())
                fail(key, "must be an array of numbers");
            out.push_back(item.toDouble());
        }
        return out;
    }

    // [width, height]; a single integer means a square (as torchvision's CenterCrop(n)).
    std::pair<int, int> size(const QString& key, bool allowSquare) const
    {
        if (!has(key))
            return {0, 0};
        const QJsonValue v = value(key);
        if (allowSquare && v.isDouble()) {
            const int n = int(toInteger(key, v));
            return {n, n};
        }
        const QJsonArray array = v.toArray();
        if (!v.isArray() || array.size() != 2)
            fail(key, allowSquare ? "must be [width, height] or one integer" : "must be [width, height]");
        return {int(toInteger(key, array.at(0))), int(toInteger(key, array.at(1)))};
    }

    [[noreturn]] void fail(const QString& key, const std::string& reason) const
    {
        throw dataError(m_subject, "\"" + key.toStdString() + "\" " + reason);
    }

private:
    int64_t toInteger(const QString& key, const QJsonValue& v) const
    {
        const double d = v.toDouble();
        if (!v.isDouble() || d != std::floor(d) || std::abs(d) > 9.0e15)
            fail(key, "must be an integer");
        return int64_t(d);
    }

    QJsonObject m_object;
    std::string m_subject;
};

QJsonValue sizeToJson(int width, int height)
{
    if (width <= 0 && height <= 0)
        return QJsonValue(QJsonValue::Null);
    return QJsonArray{width, height};
}

QJsonArray numbersToJson(const std::vector<double>& values)
{
    QJsonArray array;
    for (double v : values)
        array.append(v);
    return array;
}

} // namespace

QJsonObject PreprocessConfig::toJson() const
{
    QJsonObject json;
    json[QStringLiteral("resize")] = sizeToJson(resizeWidth, resizeHeight);
    json[QStringLiteral("resize_shorter")] = resizeShorter;
    json[QStringLiteral("center_crop")] = sizeToJson(cropWidth, cropHeight);
    json[QStringLiteral("color_order")] = colorOrder == ColorOrder::Rgb ? QStringLiteral("rgb") : QStringLiteral("bgr");
    json[QStringLiteral("grayscale")] = grayscale;
    json[QStringLiteral("scale")] = scale ? QJsonValue(*scale) : QJsonValue(QStringLiteral("auto"));
    json[QStringLiteral("mean")] = numbersToJson(mean);
    json[QStringLiteral("std")] = numbersToJson(stddev);
    json[QStringLiteral("layout")] = QStringLiteral("NCHW");
    // Written only when set, so files without a flip read the same in older versions.
    if (flipHorizontal == FlipMode::Always)
        json[QStringLiteral("flip_horizontal")] = true;
    else if (flipHorizontal == FlipMode::Random) {
        json[QStringLiteral("flip_horizontal")] = QStringLiteral("random");
        json[QStringLiteral("flip_seed")] = qint64(flipSeed);
    }
    return json;
}

PreprocessConfig PreprocessConfig::fromJson(const QJsonObject& json, const std::string& subject)
{
    const FieldReader in(json, subject);
    in.rejectUnknownKeys({QStringLiteral("resize"), QStringLiteral("resize_shorter"), QStringLiteral("center_crop"),
                          QStringLiteral("color_order"), QStringLiteral("grayscale"), QStringLiteral("scale"),
                          QStringLiteral("mean"), QStringLiteral("std"), QStringLiteral("layout"),
                          QStringLiteral("flip_horizontal"), QStringLiteral("flip_seed")});
    PreprocessConfig config;
    std::tie(config.resizeWidth, config.resizeHeight) = in.size(QStringLiteral("resize"), false);
    config.resizeShorter = int(in.integer(QStringLiteral("resize_shorter"), 0));
    std::tie(config.cropWidth, config.cropHeight) = in.size(QStringLiteral("center_crop"), true);

    const std::string order = in.string(QStringLiteral("color_order"), "rgb");
    if (order == "rgb" || order == "RGB")
        config.colorOrder = ColorOrder::Rgb;
    else if (order == "bgr" || order == "BGR")
        config.colorOrder = ColorOrder::Bgr;
    else
        in.fail(QStringLiteral("color_order"), "must be \"rgb\" or \"bgr\", not \"" + order + "\"");
    config.grayscale = in.boolean(QStringLiteral("grayscale"), false);

    if (in.has(QStringLiteral("scale"))) {
        const QJsonValue scale = in.value(QStringLiteral("scale"));
        if (scale.isString() && scale.toString() == QLatin1String("auto"))
            config.scale.reset();
        else if (scale.isDouble())
            config.scale = scale.toDouble();
        else
            in.fail(QStringLiteral("scale"), "must be a number or \"auto\"");
    }
    config.mean = in.numbers(QStringLiteral("mean"));
    config.stddev = in.numbers(QStringLiteral("std"));

    const std::string layout = in.string(QStringLiteral("layout"), "NCHW");
    if (layout != "NCHW")
        in.fail(QStringLiteral("layout"), "\"" + layout + "\" is not supported; only NCHW");
    if (in.has(QStringLiteral("flip_horizontal"))) {
        const QJsonValue flip = in.value(QStringLiteral("flip_horizontal"));
        if (flip.isBool())
            config.flipHorizontal = flip.toBool() ? FlipMode::Always : FlipMode::None;
        else if (flip.isString() && flip.toString() == QLatin1String("random"))
            config.flipHorizontal = FlipMode::Random;
        else
            in.fail(QStringLiteral("flip_horizontal"), "must be true, false or \"random\"");
    }
    if (in.has(QStringLiteral("flip_seed"))) {
        if (config.flipHorizontal != FlipMode::Random)
            in.fail(QStringLiteral("flip_seed"), "needs \"flip_horizontal\": \"random\"");
        const int64_t seed = in.integer(QStringLiteral("flip_seed"), 0);
        if (seed < 0)
            in.fail(QStringLiteral("flip_seed"), "must not be negative");
        config.flipSeed = uint64_t(seed);
    }
    config.validate(subject);
    return config;
}

PreprocessConfig loadPreprocessFile(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.exists())
        throw dataError(path, "no such file");
    if (!file.open(QIODevice::ReadOnly))
        throw dataError(path, "cannot open: " + file.errorString().toStdString());
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        throw dataError(path, "invalid JSON at offset " + std::to_string(error.offset) + ": "
                                  + error.errorString().toStdString());
    if (!doc.isObject())
        throw dataError(path, "expected a JSON object of preprocessing settings");
    return PreprocessConfig::fromJson(doc.object(), path);
}

QJsonObject DatasetSpec::toJson() const
{
    QJsonObject json;
    json[QStringLiteral("format")] = QString::fromStdString(datasetFormatName(format));
    json[QStringLiteral("path")] = QString::fromStdString(path);
    json[QStringLiteral("labels")] = QString::fromStdString(labelsPath);
    json[QStringLiteral("start")] = qint64(start);
    json[QStringLiteral("count")] = qint64(count);
    if (sample > 0) {
        json[QStringLiteral("sample")] = qint64(sample);
        json[QStringLiteral("sample_seed")] = qint64(sampleSeed);
    }
    json[QStringLiteral("preprocess")] = preprocess.toJson();
    return json;
}

DatasetSpec DatasetSpec::fromJson(const QJsonObject& json, const std::string& subject)
{
    const FieldReader in(json, subject);
    in.rejectUnknownKeys({QStringLiteral("format"), QStringLiteral("path"), QStringLiteral("labels"),
                          QStringLiteral("start"), QStringLiteral("count"), QStringLiteral("preprocess"),
                          QStringLiteral("sample"), QStringLiteral("sample_seed")});
    DatasetSpec spec;
    const std::string format = in.string(QStringLiteral("format"), "auto");
    try {
        spec.format = parseDatasetFormat(format);
    } catch (const CalibError&) {
        in.fail(QStringLiteral("format"), "\"" + format + "\" is not one of auto, imagefolder, idx, npy, pt");
    }
    spec.path = in.string(QStringLiteral("path"), "");
    if (spec.path.empty())
        in.fail(QStringLiteral("path"), "is missing");
    spec.labelsPath = in.string(QStringLiteral("labels"), "");
    spec.start = in.integer(QStringLiteral("start"), 0);
    spec.count = in.integer(QStringLiteral("count"), -1);
    if (spec.start < 0)
        in.fail(QStringLiteral("start"), "must not be negative");
    if (spec.count < -1)
        in.fail(QStringLiteral("count"), "must be -1 (all) or a sample count");
    spec.sample = in.integer(QStringLiteral("sample"), 0);
    if (spec.sample < 0)
        in.fail(QStringLiteral("sample"), "must not be negative");
    const int64_t sampleSeed = in.integer(QStringLiteral("sample_seed"), 0);
    if (sampleSeed < 0)
        in.fail(QStringLiteral("sample_seed"), "must not be negative");
    spec.sampleSeed = uint64_t(sampleSeed);
    if (in.has(QStringLiteral("preprocess"))) {
        if (!in.value(QStringLiteral("preprocess")).isObject())
            in.fail(QStringLiteral("preprocess"), "must be an object");
        spec.preprocess = PreprocessConfig::fromJson(in.value(QStringLiteral("preprocess")).toObject(),
                                                     subject + " preprocess");
    }
    return spec;
}

} // namespace cs

// DatasetSpec / PreprocessConfig: JSON round trip, JSON errors, format detection and the
// sample-shape check against a model input.
#include "core/dataset/dataset_source.h"
#include "core/dataset/dataset_spec.h"

#include "dataset_test_utils.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace cs;
using namespace cs::testing;

Q_DECLARE_METATYPE(cs::PreprocessConfig)
Q_DECLARE_METATYPE(cs::DatasetFormat)

namespace {

QJsonObject parseObject(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

// The JSON error tables: a document and a part of the CalibError it must give.
void addJsonErrorColumns()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
}

// One row of the columns above: a document and the error it must give, after the name of
// the document (`source`, then ": ").
void addJsonError(const char* source, const char* name, const char* json, const char* message)
{
    QTest::addRow("%s", name) << QByteArray(json) << QString::fromUtf8(source) + QStringLiteral(": ") + QString::fromUtf8(message);
}

// Reads the current row's document with read and checks the error message.
template <typename Read>
void verifyJsonError(Read read)
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const QJsonObject object = QJsonDocument::fromJson(json).object();
    const QString error = calibErrorOf([&] { read(object); });
    CS_VERIFY_CONTAINS(error, message);
}

} // namespace

class TestDatasetSpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void preprocessRoundTrip_data()
    {
        QTest::addColumn<PreprocessConfig>("config");
        QTest::addRow("defaults") << PreprocessConfig{};

        PreprocessConfig imagenet;
        imagenet.resizeShorter = 256;
        imagenet.cropWidth = 224;
        imagenet.cropHeight = 224;
        imagenet.mean = {0.485, 0.456, 0.406};
        imagenet.stddev = {0.229, 0.224, 0.225};
        QTest::addRow("imagenet") << imagenet;

        PreprocessConfig everything;
        everything.resizeWidth = 40;
        everything.resizeHeight = 30;
        everything.cropWidth = 32;
        everything.cropHeight = 24;
        everything.colorOrder = ColorOrder::Bgr;
        everything.grayscale = true;
        everything.scale = 0.5;
        everything.mean = {0.25};
        everything.stddev = {2.0};
        QTest::addRow("everything") << everything;
    }

    void preprocessRoundTrip()
    {
        QFETCH(PreprocessConfig, config);
        const QJsonObject json = config.toJson();
        // Through text too, as in a session file.
        const QJsonObject reread = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
        QVERIFY(PreprocessConfig::fromJson(reread) == config);
    }

    void preprocessJsonValues()
    {
        const PreprocessConfig config = PreprocessConfig::fromJson(parseObject(
            R"({"resize_shorter": 256, "center_crop": 224, "color_order": "bgr", "scale": 0.0039215686,
                "mean": [0.5, 0.25, 0.125], "std": 0.5})"));
        QCOMPARE(config.resizeShorter, 256);
        QCOMPARE(config.cropWidth, 224);
        QCOMPARE(config.cropHeight, 224);
        QCOMPARE(config.colorOrder, ColorOrder::Bgr);
        QVERIFY(config.scale.has_value());
        QCOMPARE(*config.scale, 0.0039215686);
        QCOMPARE(config.mean, (std::vector<double>{0.5, 0.25, 0.125}));
        QCOMPARE(config.stddev, (std::vector<double>{0.5}));
        // Absent scale is automatic: 1/255 for 8-bit data, 1 otherwise.
        const PreprocessConfig automatic = PreprocessConfig::fromJson(parseObject(R"({"scale": "auto"})"));
        QVERIFY(!automatic.scale);
        QCOMPARE(automatic.effectiveScale(true), 1.0 / 255.0);
        QCOMPARE(automatic.effectiveScale(false), 1.0);
    }

    void preprocessJsonErrors_data()
    {
        addJsonErrorColumns();
        addJsonError("pre.json", "mean not numbers", R"({"mean": "0.5"})", "\"mean\" must be an array of numbers");
        addJsonError("pre.json", "mean item", R"({"mean": [0.5, "x"]})", "\"mean\" must be an array of numbers");
        addJsonError("pre.json", "resize one value", R"({"resize": [32]})", "\"resize\" must be [width, height]");
        addJsonError("pre.json", "resize not integer", R"({"resize": [32.5, 3]})", "\"resize\" must be an integer");
        addJsonError("pre.json", "crop string", R"({"center_crop": "224"})", "\"center_crop\" must be [width, height] or one integer");
        addJsonError("pre.json", "color order", R"({"color_order": "rgba"})", "\"color_order\" must be \"rgb\" or \"bgr\", not \"rgba\"");
        addJsonError("pre.json", "grayscale type", R"({"grayscale": 1})", "\"grayscale\" must be true or false");
        addJsonError("pre.json", "scale type", R"({"scale": true})", "\"scale\" must be a number or \"auto\"");
        addJsonError("pre.json", "typo key", R"({"means": [0.5]})", "\"means\" unknown key");
        addJsonError("pre.json", "layout", R"({"layout": "NHWC"})", "\"layout\" \"NHWC\" is not supported; only NCHW");
        addJsonError("pre.json", "zero std", R"({"std": [0.5, 0]})", "std values must be finite and non-zero");
        addJsonError("pre.json", "two resizes", R"({"resize": [32, 32], "resize_shorter": 40})", "resize and resize_shorter exclude each other");
        addJsonError("pre.json", "mean std sizes", R"({"mean": [1, 2, 3], "std": [1, 2]})", "mean has 3 values but std has 2");
        addJsonError("pre.json", "negative", R"({"resize_shorter": -3})", "sizes must not be negative");
    }

    void preprocessJsonErrors()
    {
        verifyJsonError([](const QJsonObject& object) { PreprocessConfig::fromJson(object, "pre.json"); });
    }

    void datasetSpecRoundTrip()
    {
        DatasetSpec spec;
        spec.format = DatasetFormat::Idx;
        spec.path = "/data/t10k-images-idx3-ubyte.gz";
        spec.labelsPath = "/data/t10k-labels-idx1-ubyte.gz";
        spec.start = 100;
        spec.count = 512;
        spec.preprocess.mean = {0.286};
        spec.preprocess.stddev = {0.353};
        const QJsonObject json = spec.toJson();
        QCOMPARE(json.value(QStringLiteral("format")).toString(), QStringLiteral("idx"));
        QCOMPARE(json.value(QStringLiteral("count")).toInteger(), 512);
        const DatasetSpec reread = DatasetSpec::fromJson(QJsonDocument::fromJson(QJsonDocument(json).toJson()).object());
        QVERIFY(reread == spec);

        const DatasetSpec minimal = DatasetSpec::fromJson(parseObject(R"({"path": "calib.npy"})"));
        QCOMPARE(minimal.format, DatasetFormat::Auto);
        QCOMPARE(minimal.start, int64_t(0));
        QCOMPARE(minimal.count, int64_t(-1));
        QVERIFY(minimal.preprocess == PreprocessConfig{});
    }

    void datasetSpecJsonErrors_data()
    {
        addJsonErrorColumns();
        addJsonError("session", "path type", R"({"path": 3})", "\"path\" must be a string");
        addJsonError("session", "no path", R"({"format": "npy"})", "\"path\" is missing");
        addJsonError("session", "format", R"({"path": "a", "format": "tiff"})", "\"format\" \"tiff\" is not one of auto, imagefolder, idx, npy, pt");
        addJsonError("session", "start", R"({"path": "a", "start": -1})", "\"start\" must not be negative");
        addJsonError("session", "count", R"({"path": "a", "count": 1.5})", "\"count\" must be an integer");
        addJsonError("session", "preprocess type", R"({"path": "a", "preprocess": [1]})", "\"preprocess\" must be an object");
        addJsonError("session preprocess", "nested", R"({"path": "a", "preprocess": {"grayscale": "yes"}})", "\"grayscale\" must be true or false");
    }

    void datasetSpecJsonErrors()
    {
        verifyJsonError([](const QJsonObject& object) { DatasetSpec::fromJson(object, "session"); });
    }

    void loadPreprocessFile()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("pre.json"));
        writeFile(good, R"({"resize": [64, 48], "mean": [0.5], "std": [0.25]})");
        const PreprocessConfig config = cs::loadPreprocessFile(good.toStdString());
        QCOMPARE(config.resizeWidth, 64);
        QCOMPARE(config.resizeHeight, 48);
        QCOMPARE(config.stddev, (std::vector<double>{0.25}));

        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        writeFile(bad, R"({"resize": [64, 48],})");
        CS_VERIFY_CONTAINS(calibErrorOf([&] { cs::loadPreprocessFile(bad.toStdString()); }),
                           bad + QStringLiteral(": invalid JSON at offset"));
        const QString typed = dir.filePath(QStringLiteral("typed.json"));
        writeFile(typed, R"({"std": {"r": 1}})");
        CS_VERIFY_CONTAINS(calibErrorOf([&] { cs::loadPreprocessFile(typed.toStdString()); }),
                           typed + QStringLiteral(": \"std\" must be an array of numbers"));
        const QString missing = dir.filePath(QStringLiteral("missing.json"));
        QCOMPARE(calibErrorOf([&] { cs::loadPreprocessFile(missing.toStdString()); }),
                 missing + QStringLiteral(": no such file"));
    }

    void formatNames()
    {
        for (DatasetFormat f : {DatasetFormat::Auto, DatasetFormat::ImageFolder, DatasetFormat::Idx,
                                DatasetFormat::Npy, DatasetFormat::Pt})
            QCOMPARE(parseDatasetFormat(datasetFormatName(f)), f);
        QCOMPARE(datasetFormatName(DatasetFormat::ImageFolder), std::string("imagefolder"));
        CS_VERIFY_CONTAINS(calibErrorOf([] { parseDatasetFormat("jpeg"); }), QStringLiteral("dataset format \"jpeg\""));
    }

    void detectFormat_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<DatasetFormat>("format");
        QTest::addRow("folder") << QStringLiteral("images/") << DatasetFormat::ImageFolder;
        QTest::addRow("idx gz") << QStringLiteral("t10k-images-idx3-ubyte.gz") << DatasetFormat::Idx;
        QTest::addRow("idx plain") << QStringLiteral("train-images-idx3-ubyte") << DatasetFormat::Idx;
        QTest::addRow("idx suffix") << QStringLiteral("calib.idx") << DatasetFormat::Idx;
        QTest::addRow("npy") << QStringLiteral("calib.npy") << DatasetFormat::Npy;
        QTest::addRow("npy upper") << QStringLiteral("CALIB.NPY") << DatasetFormat::Npy;
        QTest::addRow("pt") << QStringLiteral("calib.pt") << DatasetFormat::Pt;
        QTest::addRow("pth") << QStringLiteral("calib.pth") << DatasetFormat::Pt;
    }

    void detectFormat()
    {
        QFETCH(QString, name);
        QFETCH(DatasetFormat, format);
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        if (name.endsWith(QLatin1Char('/')))
            QVERIFY(QDir().mkpath(path));
        else
            writeFile(path, "x");
        QCOMPARE(cs::detectFormat(path.toStdString()), format);
    }

    void detectFormatErrors()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("nothing.npy"));
        QCOMPARE(calibErrorOf([&] { cs::detectFormat(missing.toStdString()); }),
                 missing + QStringLiteral(": no such file or folder"));
        const QString csv = dir.filePath(QStringLiteral("data.csv"));
        writeFile(csv, "1,2");
        CS_VERIFY_CONTAINS(calibErrorOf([&] { cs::detectFormat(csv.toStdString()); }),
                           csv + QStringLiteral(": cannot tell the dataset format from the name"));
        // openDataset reports a missing path before anything else.
        DatasetSpec spec;
        spec.path = missing.toStdString();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }), missing + QStringLiteral(": no such file or folder"));
    }

    void sampleShapeFits_data()
    {
        QTest::addColumn<std::vector<int64_t>>("model");
        QTest::addColumn<std::vector<int64_t>>("sample");
        QTest::addColumn<QString>("message");
        QTest::addRow("exact") << std::vector<int64_t>{1, 1, 28, 28} << std::vector<int64_t>{1, 28, 28} << QString();
        QTest::addRow("batch differs") << std::vector<int64_t>{32, 3, 8, 8} << std::vector<int64_t>{3, 8, 8} << QString();
        QTest::addRow("dynamic dims") << std::vector<int64_t>{-1, 3, -1, -1} << std::vector<int64_t>{3, 17, 9} << QString();
        QTest::addRow("unknown model") << std::vector<int64_t>{} << std::vector<int64_t>{5} << QString();
        QTest::addRow("size") << std::vector<int64_t>{1, 1, 28, 28} << std::vector<int64_t>{1, 32, 32}
                              << QStringLiteral("dataset sample shape [1, 32, 32] does not fit the model input [1, 1, 28, 28]");
        QTest::addRow("rank") << std::vector<int64_t>{1, 784} << std::vector<int64_t>{1, 28, 28}
                              << QStringLiteral("dataset sample shape [1, 28, 28] does not fit the model input [1, 784]");
        QTest::addRow("channels") << std::vector<int64_t>{1, 3, -1, -1} << std::vector<int64_t>{1, 28, 28}
                                  << QStringLiteral("dataset sample shape [1, 28, 28] does not fit the model input [1, 3, -1, -1]");
    }

    void sampleShapeFits()
    {
        QFETCH(std::vector<int64_t>, model);
        QFETCH(std::vector<int64_t>, sample);
        QFETCH(QString, message);
        if (message.isEmpty())
            checkSampleShape(model, sample);
        else
            QCOMPARE(calibErrorOf([&] { checkSampleShape(model, sample); }), message);
    }
};

QTEST_GUILESS_MAIN(TestDatasetSpec)
#include "test_dataset_spec.moc"

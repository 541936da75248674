// IDX (Debian's Fashion-MNIST) and .npy sources: sizes, labels, preprocessed values and
// the errors for bad input.
#include "core/dataset/dataset_source.h"
#include "core/dataset/npy_reader.h"

#include "dataset_test_utils.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include <sys/resource.h>

using namespace cs;
using namespace cs::testing;

namespace {

const QString kFashionDir = QStringLiteral("/usr/share/datasets/fashion-mnist");

std::vector<float> sample(const DatasetSource& source, int64_t index)
{
    std::vector<float> out(size_t(source.sampleNumel()));
    source.readSample(index, out.data());
    return out;
}

DatasetSpec specFor(const QString& path)
{
    DatasetSpec spec;
    spec.path = path.toStdString();
    return spec;
}

// A small IDX file: magic 0 0 type rank, big-endian dims, then bytes.
QByteArray idxBytes(const std::vector<uint32_t>& dims, const QByteArray& data)
{
    QByteArray bytes;
    bytes.append(char(0)).append(char(0)).append(char(0x08)).append(char(dims.size()));
    for (uint32_t d : dims)
        for (int b = 3; b >= 0; --b)
            bytes.append(char((d >> (8 * b)) & 0xFF));
    return bytes + data;
}

} // namespace

class TestDatasetIdxNpy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(kFashionDir + QStringLiteral("/t10k-images-idx3-ubyte.gz")))
            QSKIP("Debian's dataset-fashion-mnist is not installed");
    }

    void fashionMnistNormalised()
    {
        DatasetSpec spec = specFor(kFashionDir + QStringLiteral("/t10k-images-idx3-ubyte.gz"));
        spec.preprocess.mean = {0.2860};
        spec.preprocess.stddev = {0.3530};
        const auto source = openDataset(spec);
        QCOMPARE(source->size(), int64_t(10000));
        QCOMPARE(source->sampleShape(), (std::vector<int64_t>{1, 28, 28}));
        QVERIFY(source->hasLabels()); // found beside the images
        QCOMPARE(source->label(0), int64_t(9)); // ankle boot
        QCOMPARE(source->label(1), int64_t(2));
        QCOMPARE(source->label(9999), int64_t(5));
        QCOMPARE(source->skippedCount(), int64_t(0));

        // Raw bytes read with Python's gzip: sample 0 has 110 at (14, 14), 98 at (14, 12),
        // 126 at (20, 10) and 0 in the corner; sample 9999 has 132 at (14, 14).
        const std::vector<float> first = sample(*source, 0);
        const auto expected = [](int byte) { return float((byte / 255.0 - 0.2860) / 0.3530); };
        QVERIFY(std::abs(first[14 * 28 + 14] - expected(110)) < 1e-5f);
        QVERIFY(std::abs(first[14 * 28 + 12] - expected(98)) < 1e-5f);
        QVERIFY(std::abs(first[20 * 28 + 10] - expected(126)) < 1e-5f);
        QVERIFY(std::abs(first[0] - expected(0)) < 1e-5f);
        QVERIFY(std::abs(sample(*source, 9999)[14 * 28 + 14] - expected(132)) < 1e-5f);
        // Deterministic: the same index gives the same values.
        QCOMPARE(sample(*source, 0), first);
    }

    void fashionMnistCropAndWindow()
    {
        // Crop 20x20 out of 28x28: offset 4, so output (10, 10) is input (14, 14).
        DatasetSpec spec = specFor(kFashionDir + QStringLiteral("/t10k-images-idx3-ubyte.gz"));
        spec.preprocess.cropWidth = 20;
        spec.preprocess.cropHeight = 20;
        spec.start = 9998;
        spec.count = 5; // only 2 remain: clamped with a warning
        const auto source = openDataset(spec);
        QCOMPARE(source->size(), int64_t(2));
        QCOMPARE(source->sampleShape(), (std::vector<int64_t>{1, 20, 20}));
        QCOMPARE(source->label(1), int64_t(5));
        QVERIFY(std::abs(sample(*source, 1)[10 * 20 + 10] - 132.0f / 255.0f) < 1e-6f);
        QCOMPARE(source->warnings().size(), size_t(1));
        CS_VERIFY_CONTAINS(QString::fromStdString(source->warnings().front()), QStringLiteral("only 2 remain"));
    }

    void idxLabelsRules()
    {
        QTemporaryDir dir;
        // Three 2x2 images; no labels file beside them.
        const QString images = dir.filePath(QStringLiteral("tiny-images-idx3-ubyte"));
        writeFile(images, idxBytes({3, 2, 2}, QByteArray("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\xff", 12)));
        DatasetSpec spec = specFor(images);
        spec.preprocess.scale = 1.0;
        {
            const auto source = openDataset(spec);
            QVERIFY(!source->hasLabels());
            QCOMPARE(source->label(2), int64_t(-1));
            QCOMPARE(sample(*source, 2), (std::vector<float>{8, 9, 10, 255}));
        }
        // A labels file the spec names must exist.
        spec.labelsPath = dir.filePath(QStringLiteral("missing-labels-idx1-ubyte")).toStdString();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }),
                 QString::fromStdString(spec.labelsPath) + QStringLiteral(": labels file not found"));
        // Beside the images but with two labels for three images.
        const QString labels = dir.filePath(QStringLiteral("tiny-labels-idx1-ubyte"));
        writeFile(labels, idxBytes({2}, QByteArray("\x01\x02", 2)));
        spec.labelsPath.clear();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }), labels + QStringLiteral(": has 2 labels for 3 samples"));
        writeFile(labels, idxBytes({3}, QByteArray("\x01\x02\x07", 3)));
        QCOMPARE(openDataset(spec)->label(2), int64_t(7));
        // An empty IDX file is an empty dataset.
        const QString empty = dir.filePath(QStringLiteral("empty-images-idx3-ubyte"));
        writeFile(empty, idxBytes({0, 2, 2}, {}));
        CS_VERIFY_CONTAINS(calibErrorOf([&] { openDataset(specFor(empty)); }), empty + QStringLiteral(": holds no samples"));
    }

    // Headers that declare more than the file holds fail as truncated without allocating what
    // they declare (65535 x 65535 x 4 is 16 GiB); labels are class indices.
    void declaredSizesAreChecked()
    {
        QTemporaryDir dir;
        rusage before{};
        getrusage(RUSAGE_SELF, &before);
        const QString images = dir.filePath(QStringLiteral("huge-images-idx3-ubyte"));
        writeFile(images, idxBytes({65535, 65535, 4}, QByteArray(100, '\x01')));
        QCOMPARE(QFileInfo(images).size(), qint64(116));
        CS_VERIFY_CONTAINS(calibErrorOf([&] { openDataset(specFor(images)); }), images + QStringLiteral(": truncated IDX file"));
        // The same compressed: the size is only known by reading.
        QProcess gzip;
        gzip.start(QStringLiteral("gzip"), {QStringLiteral("-k"), QStringLiteral("-n"), images});
        QVERIFY(gzip.waitForFinished(30000) && gzip.exitCode() == 0);
        CS_VERIFY_CONTAINS(calibErrorOf([&] { openDataset(specFor(images + QStringLiteral(".gz"))); }),
                           images + QStringLiteral(".gz: truncated IDX file"));
        // A labels file declaring 2^32 - 1 entries.
        const QString small = dir.filePath(QStringLiteral("small-images-idx3-ubyte"));
        writeFile(small, idxBytes({3, 2, 2}, QByteArray(12, '\x01')));
        const QString labels = dir.filePath(QStringLiteral("small-labels-idx1-ubyte"));
        writeFile(labels, idxBytes({0xFFFFFFFFu}, QByteArray("\x01\x02\x03", 3)));
        CS_VERIFY_CONTAINS(calibErrorOf([&] { openDataset(specFor(small)); }), labels + QStringLiteral(": truncated IDX file"));
        rusage after{};
        getrusage(RUSAGE_SELF, &after);
        QVERIFY2(after.ru_maxrss - before.ru_maxrss < 512 * 1024, QByteArray::number(qint64(after.ru_maxrss - before.ru_maxrss)).constData());

        // Labels out of the class-index range name the file and the entry.
        for (const auto& [bad, text] : std::vector<std::pair<int64_t, QString>>{
                 {-5, QStringLiteral("label 1 is -5")}, {2147483647, QStringLiteral("label 1 is 2147483647")}}) {
            const QString npyLabels = dir.filePath(QStringLiteral("labels.npy"));
            std::vector<int64_t> values{1, bad, 2};
            writeFile(npyLabels, npyBytes("<i8", {3}, QByteArray(reinterpret_cast<const char*>(values.data()), 24)));
            DatasetSpec spec = specFor(small);
            spec.labelsPath = npyLabels.toStdString();
            CS_VERIFY_CONTAINS(calibErrorOf([&] { openDataset(spec); }), npyLabels + QStringLiteral(": ") + text);
        }
    }

    void npyDtypes_data()
    {
        QTest::addColumn<QString>("descr");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<std::vector<float>>("expected");
        const std::vector<double> small = {0, 1, 2, 3, 100, 127};
        const std::vector<double> negative = {-128, -1, 0, 1, 50, 127};
        const std::vector<double> wide = {-40000, -1, 0, 1, 65535, 123456};
        const std::vector<double> real = {-1.5, 0.25, 0, 3.75, 1e6, -2e-3};
        const auto floats = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
        QTest::addRow("|u1") << QStringLiteral("|u1") << elementBytes<uint8_t>({0, 1, 2, 128, 200, 255})
                             << std::vector<float>{0, 1, 2, 128, 200, 255};
        QTest::addRow("|i1") << QStringLiteral("|i1") << elementBytes<int8_t>(negative) << floats(negative);
        QTest::addRow("<i2") << QStringLiteral("<i2") << elementBytes<int16_t>({-32768, -1, 0, 1, 300, 32767})
                             << std::vector<float>{-32768, -1, 0, 1, 300, 32767};
        QTest::addRow("<i4") << QStringLiteral("<i4") << elementBytes<int32_t>(wide) << floats(wide);
        QTest::addRow("<i8") << QStringLiteral("<i8") << elementBytes<int64_t>(wide) << floats(wide);
        QTest::addRow("<u2") << QStringLiteral("<u2") << elementBytes<uint16_t>(small) << floats(small);
        QTest::addRow("<f4") << QStringLiteral("<f4") << elementBytes<float>(real) << floats(real);
        QTest::addRow("<f8") << QStringLiteral("<f8") << elementBytes<double>(real) << floats(real);
        QTest::addRow("|b1") << QStringLiteral("|b1") << QByteArray("\x00\x01\x01\x00\x01\x00", 6)
                             << std::vector<float>{0, 1, 1, 0, 1, 0};
        // Half floats by bit pattern: 1.5, -2, 65504 (max), 2^-24 (smallest subnormal), 0, 0.333...
        QTest::addRow("<f2") << QStringLiteral("<f2") << elementBytes<uint16_t>({0x3E00, 0xC000, 0x7BFF, 0x0001, 0x0000, 0x3555})
                             << std::vector<float>{1.5f, -2.0f, 65504.0f, 5.9604645e-08f, 0.0f, 0.33325195f};
    }

    void npyDtypes()
    {
        QFETCH(QString, descr);
        QFETCH(QByteArray, data);
        QFETCH(std::vector<float>, expected);
        QTemporaryDir dir;
        for (int version : {1, 2}) {
            const QString path = dir.filePath(QStringLiteral("v%1.npy").arg(version));
            writeFile(path, npyBytes(descr.toStdString(), {2, 3}, data, version));
            DatasetSpec spec = specFor(path);
            spec.preprocess.scale = 1.0; // raw values; the automatic scale is tested below
            const auto source = openDataset(spec);
            QCOMPARE(source->size(), int64_t(2));
            QCOMPARE(source->sampleShape(), (std::vector<int64_t>{3}));
            std::vector<float> all = sample(*source, 0);
            const std::vector<float> second = sample(*source, 1);
            all.insert(all.end(), second.begin(), second.end());
            QCOMPARE(all, expected);
        }
    }

    void npyNormalisation()
    {
        QTemporaryDir dir;
        // Two samples [2 channels, 1x2]: uint8 gets the automatic 1/255 scale, then
        // per-channel mean/std.
        const QString path = dir.filePath(QStringLiteral("u8.npy"));
        writeFile(path, npyBytes("|u1", {2, 2, 1, 2}, elementBytes<uint8_t>({0, 51, 102, 255, 10, 20, 30, 40})));
        DatasetSpec spec = specFor(path);
        spec.preprocess.mean = {0.5, 0.25};
        spec.preprocess.stddev = {0.5, 2.0};
        const auto source = openDataset(spec);
        QCOMPARE(source->sampleShape(), (std::vector<int64_t>{2, 1, 2}));
        const std::vector<float> s0 = sample(*source, 0);
        const float expected[] = {float((0 / 255.0 - 0.5) / 0.5), float((51 / 255.0 - 0.5) / 0.5),
                                  float((102 / 255.0 - 0.25) / 2.0), float((255 / 255.0 - 0.25) / 2.0)};
        for (int i = 0; i < 4; ++i)
            QVERIFY2(std::abs(s0[size_t(i)] - expected[i]) < 1e-6f, qPrintable(QString::number(i)));

        // Floats keep scale 1 unless told otherwise.
        const QString floats = dir.filePath(QStringLiteral("f4.npy"));
        writeFile(floats, npyBytes("<f4", {1, 3}, elementBytes<float>({2, 4, 6})));
        DatasetSpec floatSpec = specFor(floats);
        floatSpec.preprocess.mean = {1};
        QCOMPARE(sample(*openDataset(floatSpec), 0), (std::vector<float>{1, 3, 5}));

        // Three means for two channels is an error naming the file.
        spec.preprocess.mean = {0.1, 0.2, 0.3};
        spec.preprocess.stddev = {};
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }),
                 path + QStringLiteral(": mean has 3 values but the samples have 2 channels (sample shape [2, 1, 2])"));
    }

    void npyWrittenByNumpy()
    {
        QTemporaryDir dir;
        runPython(QStringLiteral("import numpy as np\n"
                                 "np.save('x.npy', np.arange(48, dtype=np.float32).reshape(4, 3, 2, 2) / 8)\n"
                                 "np.save('y.npy', np.array([3, 1, 4, 1], dtype=np.int64))\n"),
                  dir.path());
        DatasetSpec spec = specFor(dir.filePath(QStringLiteral("x.npy")));
        spec.labelsPath = dir.filePath(QStringLiteral("y.npy")).toStdString();
        const auto source = openDataset(spec);
        QCOMPARE(source->size(), int64_t(4));
        QCOMPARE(source->sampleShape(), (std::vector<int64_t>{3, 2, 2}));
        const std::vector<float> s2 = sample(*source, 2);
        for (int i = 0; i < 12; ++i)
            QCOMPARE(s2[size_t(i)], float(24 + i) / 8);
        QCOMPARE(source->label(2), int64_t(4));
    }

    void npyUnsupported_data()
    {
        QTest::addColumn<QString>("descr");
        QTest::addColumn<bool>("fortran");
        QTest::addColumn<QString>("message");
        // A dtype the reader refuses: the message names it and starts the reason (the
        // big-endian one goes on).
        const auto unsupported = [](const char* reason, const char* descr) {
            QTest::addRow("%s", reason) << QString::fromLatin1(descr) << false
                                        << QStringLiteral(": unsupported .npy dtype '%1' (%2").arg(QLatin1String(descr), QLatin1String(reason));
        };
        unsupported("complex", "<c8");
        unsupported("Python objects", "|O");
        unsupported("big-endian", ">f4");
        unsupported("strings", "<U4");
        unsupported("128-bit", "<f16");
        QTest::addRow("structured") << QStringLiteral("[('a', '<f4'), ('b', '<i4')]") << false
                                    << QStringLiteral(": unsupported .npy dtype (structured records)");
        QTest::addRow("fortran") << QStringLiteral("<f4") << true
                                 << QStringLiteral(": Fortran-ordered arrays are not supported");
    }

    void npyUnsupported()
    {
        QFETCH(QString, descr);
        QFETCH(bool, fortran);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.npy"));
        writeFile(path, npyBytes(descr.toStdString(), {2, 2}, QByteArray(64, '\0'), 1, fortran));
        const QString error = calibErrorOf([&] { openDataset(specFor(path)); });
        CS_VERIFY_CONTAINS(error, path + message);
    }

    void npyMalformed()
    {
        QTemporaryDir dir;
        const QString truncated = dir.filePath(QStringLiteral("truncated.npy"));
        writeFile(truncated, npyBytes("<f4", {4, 3}, elementBytes<float>({1, 2, 3})));
        CS_VERIFY_CONTAINS(calibErrorOf([&] { openDataset(specFor(truncated)); }),
                           truncated + QStringLiteral(": truncated .npy file: shape [4, 3] needs"));
        const QString notNpy = dir.filePath(QStringLiteral("text.npy"));
        writeFile(notNpy, "just some text, not numpy");
        QCOMPARE(calibErrorOf([&] { openDataset(specFor(notNpy)); }),
                 notNpy + QStringLiteral(": not a .npy file (bad magic string)"));
        const QString scalar = dir.filePath(QStringLiteral("scalar.npy"));
        writeFile(scalar, npyBytes("<f4", {}, elementBytes<float>({1})));
        CS_VERIFY_CONTAINS(calibErrorOf([&] { openDataset(specFor(scalar)); }), scalar + QStringLiteral(": holds a single value"));
        const QString empty = dir.filePath(QStringLiteral("empty.npy"));
        writeFile(empty, npyBytes("<f4", {0, 3}, {}));
        QCOMPARE(calibErrorOf([&] { openDataset(specFor(empty)); }), empty + QStringLiteral(": holds no samples (shape [0, 3])"));
        const QString zeroBytes = dir.filePath(QStringLiteral("zero.npy"));
        writeFile(zeroBytes, {});
        QCOMPARE(calibErrorOf([&] { openDataset(specFor(zeroBytes)); }), zeroBytes + QStringLiteral(": empty file"));
        // Labels must match the sample count and be integers.
        const QString data = dir.filePath(QStringLiteral("data.npy"));
        writeFile(data, npyBytes("<f4", {3, 1}, elementBytes<float>({1, 2, 3})));
        const QString labels = dir.filePath(QStringLiteral("labels.npy"));
        writeFile(labels, npyBytes("<f4", {3}, elementBytes<float>({1, 2, 3})));
        DatasetSpec spec = specFor(data);
        spec.labelsPath = labels.toStdString();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }), labels + QStringLiteral(": labels must be integers, not '<f4'"));
        writeFile(labels, npyBytes("<i8", {2}, elementBytes<int64_t>({1, 2})));
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }), labels + QStringLiteral(": has 2 labels for 3 samples"));
    }

    void npyHeaderParser()
    {
        // Python 2-era headers: long suffixes and reordered keys.
        const QByteArray bytes = QByteArray("\x93NUMPY\x01\x00", 8) + QByteArray("\x46\x00", 2)
            + QByteArray("{'shape': (2L, 3L), 'fortran_order': False, 'descr': '<i4'}").leftJustified(0x45, ' ') + '\n';
        const NpyHeader header = parseNpyHeader(reinterpret_cast<const unsigned char*>(bytes.constData()),
                                                size_t(bytes.size()), "old.npy");
        QCOMPARE(header.shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(header.dtype, NpyDtype::Int32);
        QCOMPARE(header.dataOffset, int64_t(10 + 0x46));
    }
};

QTEST_GUILESS_MAIN(TestDatasetIdxNpy)
#include "test_dataset_idx_npy.moc"

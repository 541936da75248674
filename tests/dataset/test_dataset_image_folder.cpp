// Image folders made with cv::imwrite in a temporary folder: class labels, skipped files,
// and the values after colour conversion, resize, center crop and mean/std.
#include "core/dataset/dataset_source.h"

#include "dataset_test_utils.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <opencv2/imgcodecs.hpp>

#include <cmath>

using namespace cs;
using namespace cs::testing;

namespace {

// 40x30 with R = 100, G = 7 * y, B = 5 * x: every pixel says where it came from.
cv::Mat gradientImage()
{
    cv::Mat image(30, 40, CV_8UC3);
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(5 * x), uchar(7 * y), 100);
    return image;
}

// A solid image from an RGB triple (OpenCV stores BGR).
cv::Mat solidImage(int width, int height, int r, int g, int b)
{
    return cv::Mat(height, width, CV_8UC3, cv::Scalar(b, g, r));
}

void writeImage(const QString& path, const cv::Mat& image)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).path()));
    QVERIFY2(cv::imwrite(path.toStdString(), image), qPrintable(path));
}

std::vector<float> sample(const DatasetSource& source, int64_t index)
{
    std::vector<float> out(size_t(source.sampleNumel()));
    source.readSample(index, out.data());
    return out;
}

// Value of channel c at (x, y) in a CHW sample of the given width/height.
float at(const std::vector<float>& chw, int width, int height, int c, int x, int y)
{
    return chw[size_t((int64_t(c) * height + y) * width + x)];
}

bool near(float a, double b)
{
    return std::abs(double(a) - b) < 1e-6;
}

} // namespace

class TestDatasetImageFolder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString root = m_dir.filePath(QStringLiteral("classes"));
        writeImage(root + QStringLiteral("/cat/a.png"), solidImage(40, 30, 10, 20, 30));
        writeImage(root + QStringLiteral("/cat/b.jpg"), solidImage(40, 30, 200, 100, 50));
        writeImage(root + QStringLiteral("/dog/E.PNG"), gradientImage()); // upper case sorts first
        writeImage(root + QStringLiteral("/dog/c.bmp"), solidImage(40, 30, 77, 77, 77));
        writeImage(root + QStringLiteral("/dog/sub/f.png"), solidImage(40, 30, 1, 2, 3)); // nested: still "dog"
        writeFile(root + QStringLiteral("/dog/broken.png"), "this is not a png at all");
        writeFile(root + QStringLiteral("/dog/notes.txt"), "hello");
        // A real PNG cut in half: the signature is fine, the decode fails.
        std::vector<uchar> encoded;
        QVERIFY(cv::imencode(".png", gradientImage(), encoded));
        writeFile(root + QStringLiteral("/dog/truncated.png"),
                  QByteArray(reinterpret_cast<const char*>(encoded.data()), qsizetype(encoded.size() / 2)));
        m_root = root.toStdString();
    }

    void labelsAndSkippedFiles()
    {
        const auto source = open({});
        QCOMPARE(source->size(), int64_t(5));
        QCOMPARE(source->sampleShape(), (std::vector<int64_t>{3, 30, 40}));
        QCOMPARE(source->classNames(), (std::vector<std::string>{"cat", "dog"}));
        QVERIFY(source->hasLabels());
        const std::vector<int64_t> labels = {source->label(0), source->label(1), source->label(2), source->label(3),
                                             source->label(4)};
        QCOMPARE(labels, (std::vector<int64_t>{0, 0, 1, 1, 1}));
        QCOMPARE(source->skippedCount(), int64_t(3));
        const std::vector<std::string> warnings = source->warnings();
        QCOMPARE(warnings.size(), size_t(3));
        CS_VERIFY_CONTAINS(QString::fromStdString(warnings[0]), QStringLiteral("/dog/broken.png: skipped, not a readable image"));
        CS_VERIFY_CONTAINS(QString::fromStdString(warnings[1]), QStringLiteral("/dog/notes.txt: skipped, not a .jpg/.jpeg/.png/.bmp image"));
        CS_VERIFY_CONTAINS(QString::fromStdString(warnings[2]), QStringLiteral("/dog/truncated.png: skipped, not a readable image"));
        QCOMPARE(describeDataset(*source), std::string("5 samples of [3, 30, 40], labelled (2 classes), 3 files skipped"));
    }

    // A symlink to a FIFO is skipped without opening it (opening would block forever), and a
    // BMP whose header declares more pixels than OpenCV accepts is skipped like any bad image.
    void specialAndOversizedFilesAreSkipped()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.filePath(QStringLiteral("flat"));
        writeImage(root + QStringLiteral("/a.png"), solidImage(40, 30, 10, 20, 30));
        const QString fifo = dir.filePath(QStringLiteral("fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QVERIFY(QFile::link(fifo, root + QStringLiteral("/pipe.png")));
        QByteArray bmp("BM", 2);
        auto le32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) bmp.append(char((v >> (8 * i)) & 0xFF)); };
        auto le16 = [&](uint16_t v) { bmp.append(char(v & 0xFF)).append(char(v >> 8)); };
        le32(54 + 16); le32(0); le32(54);                 // file size, reserved, pixel offset
        le32(40); le32(100000); le32(100000);             // DIB header size, width, height
        le16(1); le16(24); le32(0); le32(0); le32(2835); le32(2835); le32(0); le32(0);
        bmp.append(QByteArray(16, '\x7f'));
        writeFile(root + QStringLiteral("/huge.bmp"), bmp);

        DatasetSpec spec;
        spec.path = root.toStdString();
        const auto source = openDataset(spec);
        QCOMPARE(source->size(), int64_t(1));
        QCOMPARE(source->skippedCount(), int64_t(2));
        const std::vector<std::string> warnings = source->warnings();
        QCOMPARE(warnings.size(), size_t(2));
        CS_VERIFY_CONTAINS(QString::fromStdString(warnings[0]), QStringLiteral("/huge.bmp: skipped, not a readable image"));
        CS_VERIFY_CONTAINS(QString::fromStdString(warnings[1]), QStringLiteral("/pipe.png: skipped, not a regular file"));
    }

    void defaultPreprocessingIsRgbOver255()
    {
        const auto source = open({});
        const std::vector<float> a = sample(*source, 0); // cat/a.png, RGB (10, 20, 30)
        for (int x : {0, 17, 39}) {
            QVERIFY(near(at(a, 40, 30, 0, x, 5), 10 / 255.0));
            QVERIFY(near(at(a, 40, 30, 1, x, 5), 20 / 255.0));
            QVERIFY(near(at(a, 40, 30, 2, x, 5), 30 / 255.0));
        }
        const std::vector<float> e = sample(*source, 2); // dog/E.PNG, the gradient
        QVERIFY(near(at(e, 40, 30, 0, 3, 2), 100 / 255.0));
        QVERIFY(near(at(e, 40, 30, 1, 3, 2), 14 / 255.0));
        QVERIFY(near(at(e, 40, 30, 2, 3, 2), 15 / 255.0));
        QCOMPARE(sample(*source, 4)[0], float(1 / 255.0)); // nested dog/sub/f.png

        PreprocessConfig bgr;
        bgr.colorOrder = ColorOrder::Bgr;
        bgr.scale = 1.0;
        const std::vector<float> raw = sample(*open(bgr), 0);
        QCOMPARE(at(raw, 40, 30, 0, 0, 0), 30.0f);
        QCOMPARE(at(raw, 40, 30, 2, 0, 0), 10.0f);
    }

    void resizeCropNormalise()
    {
        PreprocessConfig config;
        config.resizeWidth = 32;
        config.resizeHeight = 32;
        config.cropWidth = 24;
        config.cropHeight = 24;
        config.mean = {0.1, 0.2, 0.3};
        config.stddev = {0.5, 0.25, 0.125};
        const auto source = open(config);
        QCOMPARE(source->sampleShape(), (std::vector<int64_t>{3, 24, 24}));
        const std::vector<float> a = sample(*source, 0); // solid: resizing keeps the colour exactly
        const double rgb[] = {10, 20, 30};
        for (int c = 0; c < 3; ++c)
            for (int xy : {0, 11, 23})
                QVERIFY2(near(at(a, 24, 24, c, xy, 23 - xy), (rgb[c] / 255.0 - config.mean[size_t(c)]) / config.stddev[size_t(c)]),
                         qPrintable(QStringLiteral("channel %1").arg(c)));
    }

    void centerCropPosition_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("left");
        QTest::addColumn<int>("top");
        QTest::addRow("even margins") << 20 << 10 << 10 << 10;
        // torchvision rounds (40 - 21) / 2 = 9.5 and (30 - 11) / 2 = 9.5 with Python's round: 10.
        QTest::addRow("ties to even up") << 21 << 11 << 10 << 10;
        // ... and 8.5 to 8.
        QTest::addRow("ties to even down") << 23 << 13 << 8 << 8;
    }

    void centerCropPosition()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, left);
        QFETCH(int, top);
        PreprocessConfig config;
        config.cropWidth = width;
        config.cropHeight = height;
        config.scale = 1.0;
        const auto source = open(config);
        const std::vector<float> e = sample(*source, 2);
        const std::vector<std::pair<int, int>> points = {{0, 0}, {width - 1, height - 1}, {3, 5}};
        for (const auto& [x, y] : points) {
            QCOMPARE(at(e, width, height, 1, x, y), float(7 * (top + y)));
            QCOMPARE(at(e, width, height, 2, x, y), float(5 * (left + x)));
        }
    }

    void resizeShorterAndGrayscale()
    {
        PreprocessConfig shorter;
        shorter.resizeShorter = 15; // 40x30 -> 20x15
        QCOMPARE(open(shorter)->sampleShape(), (std::vector<int64_t>{3, 15, 20}));

        PreprocessConfig gray;
        gray.grayscale = true;
        const auto source = open(gray);
        QCOMPARE(source->sampleShape(), (std::vector<int64_t>{1, 30, 40}));
        const std::vector<float> c = sample(*source, 3); // dog/c.bmp, gray 77
        QVERIFY(near(c[0], 77 / 255.0));
        QVERIFY(near(c[1199], 77 / 255.0));
    }

    void windowAndProgress()
    {
        DatasetSpec spec;
        spec.path = m_root;
        spec.start = 1;
        spec.count = 3;
        int calls = 0;
        int64_t lastTotal = 0;
        const auto source = openDataset(spec, [&](const ProgressInfo& info) {
            ++calls;
            lastTotal = info.total;
            return true;
        });
        QCOMPARE(source->size(), int64_t(3));
        QCOMPARE(source->label(0), int64_t(0)); // b.jpg
        QCOMPARE(source->label(1), int64_t(1)); // E.PNG
        QCOMPARE(lastTotal, int64_t(8));        // every file in the class folders was looked at
        QVERIFY(calls >= 8);
        QVERIFY_THROWS_EXCEPTION(JobCancelled, openDataset(spec, [](const ProgressInfo&) { return false; }));
    }

    void flatFolderIsUnlabelled()
    {
        QTemporaryDir dir;
        writeImage(dir.filePath(QStringLiteral("x.png")), solidImage(8, 6, 1, 2, 3));
        writeImage(dir.filePath(QStringLiteral("y.png")), solidImage(8, 6, 4, 5, 6));
        DatasetSpec spec;
        spec.path = dir.path().toStdString();
        const auto source = openDataset(spec);
        QCOMPARE(source->size(), int64_t(2));
        QVERIFY(!source->hasLabels());
        QCOMPARE(source->label(1), int64_t(-1));
        QVERIFY(source->classNames().empty());
        QVERIFY(near(sample(*source, 1)[0], 4 / 255.0));
    }

    void sizeErrors()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("k/a.png"));
        const QString b = dir.filePath(QStringLiteral("k/b.png"));
        writeImage(a, solidImage(40, 30, 0, 0, 0));
        writeImage(b, solidImage(20, 20, 0, 0, 0));
        DatasetSpec spec;
        spec.path = dir.path().toStdString();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }),
                 b + QStringLiteral(": image size 20x20 differs from 40x30 of ") + a
                     + QStringLiteral("; set resize or center_crop in the preprocessing"));

        spec.preprocess.resizeShorter = 10; // 40x30 -> 13x10 but 20x20 -> 10x10
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }),
                 b + QStringLiteral(": image size 10x10 differs from 13x10 of ") + a
                     + QStringLiteral(" after resizing and cropping"));
        spec.preprocess.cropWidth = 8;
        spec.preprocess.cropHeight = 8;
        QCOMPARE(openDataset(spec)->sampleShape(), (std::vector<int64_t>{3, 8, 8}));

        spec.preprocess = {};
        spec.preprocess.cropWidth = 25;
        spec.preprocess.cropHeight = 25;
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }),
                 b + QStringLiteral(": center crop 25x25 is larger than the image (20x20)"));
    }

    void emptyAndUnusable()
    {
        QTemporaryDir dir;
        const QString empty = dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty + QStringLiteral("/class_a")));
        DatasetSpec spec;
        spec.path = empty.toStdString();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }), empty + QStringLiteral(": empty dataset: no files found"));

        const QString junk = dir.filePath(QStringLiteral("junk"));
        QVERIFY(QDir().mkpath(junk + QStringLiteral("/c")));
        writeFile(junk + QStringLiteral("/c/a.jpg"), "garbage");
        writeFile(junk + QStringLiteral("/c/b.txt"), "text");
        spec.path = junk.toStdString();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }),
                 junk + QStringLiteral(": no usable images (2 files skipped; first: ") + junk
                     + QStringLiteral("/c/a.jpg: skipped, not a readable image)"));

        spec.path = dir.filePath(QStringLiteral("missing")).toStdString();
        QCOMPARE(calibErrorOf([&] { openDataset(spec); }),
                 dir.filePath(QStringLiteral("missing")) + QStringLiteral(": no such file or folder"));
    }

private:
    std::unique_ptr<DatasetSource> open(const PreprocessConfig& config)
    {
        DatasetSpec spec;
        spec.path = m_root;
        spec.preprocess = config;
        return openDataset(spec);
    }

    QTemporaryDir m_dir;
    std::string m_root;
};

QTEST_GUILESS_MAIN(TestDatasetImageFolder)
#include "test_dataset_image_folder.moc"

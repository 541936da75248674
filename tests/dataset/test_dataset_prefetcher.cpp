// BatchPrefetcher: order, partial last batch, batch limit, bounded queue, cancel and
// errors from the decoding thread; then a real run over Fashion-MNIST.
#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"

#include "dataset_test_utils.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace cs;
using namespace cs::testing;

namespace {

// Sample i is [i, i + 0.5, i + 0.25] with label i % 3; it can be slow, or throw at one index.
class FakeSource : public DatasetSource {
public:
    explicit FakeSource(int64_t size) : m_size(size) {}

    int64_t size() const override { return m_size; }
    std::vector<int64_t> sampleShape() const override { return {3}; }
    void readSample(int64_t index, float* out) const override
    {
        ++reads;
        if (delay.count() > 0)
            std::this_thread::sleep_for(delay);
        if (index == failAt)
            throw CalibError("sample " + std::to_string(index) + ": became unreadable");
        out[0] = float(index);
        out[1] = float(index) + 0.5f;
        out[2] = float(index) + 0.25f;
    }
    bool hasLabels() const override { return true; }
    int64_t label(int64_t index) const override { return index % 3; }
    std::string path() const override { return "fake"; }

    mutable std::atomic<int64_t> reads{0};
    std::chrono::milliseconds delay{0};
    int64_t failAt = -1;

private:
    int64_t m_size;
};

} // namespace

class TestDatasetPrefetcher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void orderAndPartialBatch_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("batchSize");
        QTest::addColumn<int>("numBatches");
        QTest::addColumn<std::vector<int64_t>>("batchSizes");
        QTest::addRow("partial last") << 10 << 4 << -1 << std::vector<int64_t>{4, 4, 2};
        QTest::addRow("exact") << 8 << 4 << -1 << std::vector<int64_t>{4, 4};
        QTest::addRow("limited") << 10 << 4 << 2 << std::vector<int64_t>{4, 4};
        QTest::addRow("limit above") << 10 << 4 << 30 << std::vector<int64_t>{4, 4, 2};
        QTest::addRow("zero batches") << 10 << 4 << 0 << std::vector<int64_t>{};
        QTest::addRow("batch over size") << 3 << 32 << -1 << std::vector<int64_t>{3};
        QTest::addRow("batch of one") << 3 << 1 << -1 << std::vector<int64_t>{1, 1, 1};
    }

    void orderAndPartialBatch()
    {
        QFETCH(int, size);
        QFETCH(int, batchSize);
        QFETCH(int, numBatches);
        QFETCH(std::vector<int64_t>, batchSizes);
        FakeSource source(size);
        BatchPrefetcher prefetcher(source, batchSize, numBatches);
        QCOMPARE(prefetcher.batchCount(), int64_t(batchSizes.size()));
        int64_t expectedSample = 0;
        for (size_t b = 0; b < batchSizes.size(); ++b) {
            const std::optional<Batch> batch = prefetcher.next();
            QVERIFY(batch);
            QCOMPARE(batch->index, int64_t(b));
            QCOMPARE(batch->firstSample, expectedSample);
            QCOMPARE(batch->shape, (std::vector<int64_t>{batchSizes[b], 3}));
            QCOMPARE(batch->data.size(), size_t(batchSizes[b] * 3));
            QCOMPARE(batch->labels.size(), size_t(batchSizes[b]));
            for (int64_t i = 0; i < batchSizes[b]; ++i) {
                const int64_t s = expectedSample + i;
                QCOMPARE(batch->data[size_t(3 * i)], float(s));
                QCOMPARE(batch->data[size_t(3 * i + 1)], float(s) + 0.5f);
                QCOMPARE(batch->data[size_t(3 * i + 2)], float(s) + 0.25f);
                QCOMPARE(batch->labels[size_t(i)], s % 3);
            }
            expectedSample += batchSizes[b];
        }
        QVERIFY(!prefetcher.next());
        QVERIFY(!prefetcher.next()); // stays finished
    }

    void queueIsBounded()
    {
        FakeSource source(1000);
        BatchPrefetcher prefetcher(source, 10, -1, 2);
        // The consumer takes nothing: the thread decodes two batches and waits.
        QTRY_COMPARE_WITH_TIMEOUT(source.reads.load(), int64_t(20), 5000);
        QTest::qWait(100);
        QCOMPARE(source.reads.load(), int64_t(20));
        QVERIFY(prefetcher.next());
        QTRY_COMPARE_WITH_TIMEOUT(source.reads.load(), int64_t(30), 5000);
    }

    void cancelIsPrompt()
    {
        FakeSource source(1000);
        source.delay = std::chrono::milliseconds(20); // a 16-sample batch takes ~320 ms
        QElapsedTimer timer;
        timer.start();
        {
            BatchPrefetcher prefetcher(source, 16);
            QVERIFY(prefetcher.next());
            std::thread canceller([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(30));
                prefetcher.cancel();
            });
            timer.restart();
            // Waits for the second batch until the cancel arrives, not for the batch.
            QVERIFY(!prefetcher.next());
            QVERIFY2(timer.elapsed() < 200, qPrintable(QString::number(timer.elapsed())));
            canceller.join();
            QVERIFY(!prefetcher.next());
            timer.restart();
        } // the destructor joins a thread that stops mid-batch
        QVERIFY2(timer.elapsed() < 200, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(source.reads.load() < 64);
    }

    void destructorWithoutConsuming()
    {
        FakeSource source(100000);
        QElapsedTimer timer;
        timer.start();
        {
            BatchPrefetcher prefetcher(source, 64);
        }
        QVERIFY(timer.elapsed() < 1000);
    }

    void errorsReachTheConsumer()
    {
        FakeSource source(12);
        source.failAt = 6;
        BatchPrefetcher prefetcher(source, 4);
        const std::optional<Batch> first = prefetcher.next();
        QVERIFY(first);
        QCOMPARE(first->data[0], 0.0f);
        QCOMPARE(calibErrorOf([&] { prefetcher.next(); }), QStringLiteral("sample 6: became unreadable"));
        QVERIFY(!prefetcher.next()); // the error is reported once; then the stream is over
    }

    void badArguments()
    {
        FakeSource source(5);
        QCOMPARE(calibErrorOf([&] { BatchPrefetcher(source, 0); }), QStringLiteral("batch size must be at least 1, not 0"));
        QCOMPARE(calibErrorOf([&] { BatchPrefetcher(source, 2, -5); }),
                 QStringLiteral("number of batches must be -1 (all) or at least 0, not -5"));
    }

    void fashionMnistBatches()
    {
        const QString images = QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
        if (!QFile::exists(images))
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        DatasetSpec spec;
        spec.path = images.toStdString();
        const auto source = openDataset(spec);
        BatchPrefetcher prefetcher(*source, 256);
        QCOMPARE(prefetcher.batchCount(), int64_t(40));
        int64_t samples = 0;
        std::optional<Batch> last;
        while (std::optional<Batch> batch = prefetcher.next()) {
            samples += batch->shape[0];
            last = std::move(batch);
        }
        QCOMPARE(samples, int64_t(10000));
        QVERIFY(last);
        QCOMPARE(last->shape, (std::vector<int64_t>{16, 1, 28, 28}));
        QCOMPARE(last->firstSample, int64_t(9984));
        QCOMPARE(last->labels.back(), int64_t(5));
        // The batch holds exactly what readSample gives for the same index.
        std::vector<float> direct(784);
        source->readSample(9999, direct.data());
        QCOMPARE(std::vector<float>(last->data.end() - 784, last->data.end()), direct);
        QCOMPARE(last->data[size_t(15 * 784 + 14 * 28 + 14)], float(132) * float(1.0 / 255.0));
    }
};

QTEST_GUILESS_MAIN(TestDatasetPrefetcher)
#include "test_dataset_prefetcher.moc"

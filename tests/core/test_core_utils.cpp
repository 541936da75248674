// Small core services: atomic writes, one-line errors, the IDX reader.
#include "../file_test_support.h"
#include "core/platform/atomic_file.h"
#include "core/platform/background_worker.h"
#include "core/dataset/idx_reader.h"
#include "core/errors.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace cs;

class TestCoreUtils : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void backgroundWorkerRunsInOrderAndReportsTheFirstFailure()
    {
        std::vector<int> ran;
        std::thread::id workerThread;
        BackgroundWorker worker([&] { workerThread = std::this_thread::get_id(); });
        for (int i = 0; i < 100; ++i)
            worker.post([&ran, i] { ran.push_back(i); });
        worker.wait();
        QCOMPARE(int(ran.size()), 100);
        QVERIFY(std::is_sorted(ran.begin(), ran.end()));
        QVERIFY(workerThread != std::this_thread::get_id());

        // A failed task: the ones queued after it are skipped, wait() rethrows once.
        worker.post([] { throw std::runtime_error("task failed"); });
        worker.post([&ran] { ran.push_back(-1); });
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, worker.wait());
        QCOMPARE(int(ran.size()), 100);
        worker.post([&ran] { ran.push_back(100); });
        worker.wait(); // no error left over
        QCOMPARE(ran.back(), 100);
    }

    void helpAndWaitRunsEveryTaskOnce()
    {
        // A worker thread blocked on a gate: the waiting thread must do the queued work.
        std::atomic<bool> open{false};
        BackgroundWorker worker;
        std::atomic<int> blocked{0};
        worker.post([&] {
            ++blocked;
            while (!open)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
        while (blocked == 0)
            std::this_thread::yield();
        std::vector<int> counts(50, 0);
        std::set<std::thread::id> threads;
        std::mutex threadsMutex;
        for (int i = 0; i < 50; ++i)
            worker.post([&, i] {
                ++counts[size_t(i)];
                std::lock_guard<std::mutex> lock(threadsMutex);
                threads.insert(std::this_thread::get_id());
            });
        std::thread opener([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            open = true;
        });
        worker.helpAndWait();
        opener.join();
        QVERIFY(std::all_of(counts.begin(), counts.end(), [](int c) { return c == 1; }));
        QVERIFY(threads.count(std::this_thread::get_id())); // the waiting thread helped

        worker.post([] { throw std::runtime_error("observer failed"); });
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, worker.helpAndWait());
    }

    void atomicWriteReplacesAndSurvivesFailure()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/file.json"));
        writeFileAtomically(path.toStdString(), "first version");
        QCOMPARE(cs::test::readFileBytes(path), QByteArray("first version"));
        injectWriteFailureForTesting(4);
        QVERIFY_THROWS_EXCEPTION(CalibError, writeFileAtomically(path.toStdString(), "second version, longer"));
        QCOMPARE(cs::test::readFileBytes(path), QByteArray("first version"));
        QCOMPARE(QDir(dir.filePath(QStringLiteral("sub"))).entryList(QDir::Files).size(), 1);
        writeFileAtomically(path.toStdString(), "third");
        QCOMPARE(cs::test::readFileBytes(path), QByteArray("third"));
    }

    void firstLineDropsTraces()
    {
        QCOMPARE(firstLine("\n  open failed: no file  \nException raised from foo at bar.cpp:12"),
                 std::string("open failed: no file"));
        QCOMPARE(firstLine("single"), std::string("single"));
    }

    void idxReadsFashionMnistLabels()
    {
        const IdxArray labels = readIdx("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
        QCOMPARE(labels.shape, (std::vector<int64_t>{10000}));
        QVERIFY(labels.isBytes());
        // The first three Fashion-MNIST test labels: ankle boot, pullover, trouser.
        QCOMPARE(int(labels.bytes[0]), 9);
        QCOMPARE(int(labels.bytes[1]), 2);
        QCOMPARE(int(labels.bytes[2]), 1);
    }

    void idxErrorsNameTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad-images-idx3-ubyte"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromHex("0000080300000002000000030000000301020304"));
        f.close();
        try {
            readIdx(path.toStdString());
            QFAIL("expected an error");
        } catch (const CalibError& e) {
            // The file, the reason, and what the header declares against what the file holds.
            QCOMPARE(QString::fromUtf8(e.what()),
                     path + QStringLiteral(": truncated IDX file: the header declares [2, 3, 3] (18 data bytes), the "
                                           "file holds 4"));
        }
        QVERIFY_THROWS_EXCEPTION(CalibError, readIdx(dir.filePath(QStringLiteral("missing")).toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestCoreUtils)
#include "test_core_utils.moc"

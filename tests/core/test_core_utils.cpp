// Small core services: atomic writes, one-line errors, the IDX reader.
#include "core/atomic_file.h"
#include "core/dataset/idx_reader.h"
#include "core/errors.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace cs;

namespace {
QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestCoreUtils : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void atomicWriteReplacesAndSurvivesFailure()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/file.json"));
        writeFileAtomically(path.toStdString(), "first version");
        QCOMPARE(readAll(path), QByteArray("first version"));
        injectWriteFailureForTesting(4);
        QVERIFY_THROWS_EXCEPTION(CalibError, writeFileAtomically(path.toStdString(), "second version, longer"));
        QCOMPARE(readAll(path), QByteArray("first version"));
        QCOMPARE(QDir(dir.filePath(QStringLiteral("sub"))).entryList(QDir::Files).size(), 1);
        writeFileAtomically(path.toStdString(), "third");
        QCOMPARE(readAll(path), QByteArray("third"));
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
            QCOMPARE(QString::fromUtf8(e.what()), path + QStringLiteral(": truncated IDX file"));
        }
        QVERIFY_THROWS_EXCEPTION(CalibError, readIdx(dir.filePath(QStringLiteral("missing")).toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestCoreUtils)
#include "test_core_utils.moc"

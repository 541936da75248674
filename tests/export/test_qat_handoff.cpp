// The QAT hand-off in PyTorch: the demo calibrated and exported through the real binary in
// each QAT mode, then made a QAT model the PyTorch way, loaded, evaluated and trained a few
// steps by tests/export/check_qat_handoff.py.
#include "export_test_utils.h"

#include <QTemporaryDir>
#include <QTest>

using namespace exporttest;

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

class TestQatHandoff : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_session = m_dir.filePath(QStringLiteral("demo.cscope"));
        const Run calibrated = calibrateDemo(m_session, 1000, 8);
        QVERIFY2(calibrated.exitCode == 0, qPrintable(calibrated.out));
    }

    void pytorchTrainsFromTheCheckpoint_data()
    {
        QTest::addColumn<QString>("mode");
        for (const char* mode : {"fuse_bn", "with_bn", "with_bn_reverse_fold"})
            QTest::newRow(mode) << QString::fromLatin1(mode);
    }

    void pytorchTrainsFromTheCheckpoint()
    {
        QFETCH(QString, mode);
        const QString checkpoint = m_dir.filePath(mode + QStringLiteral(".pt"));
        const QString qconfig = m_dir.filePath(mode + QStringLiteral(".json"));
        // The fake-quantized model of the same mode is the reference the QAT model starts from.
        const QString fakeQuant = m_dir.filePath(mode + QStringLiteral("_fq.pt"));
        const Run exported = run(QStringLiteral(CALIBSCOPE_CLI),
                                 {QStringLiteral("export"), QStringLiteral("--session"), m_session,
                                  QStringLiteral("--checkpoint"), checkpoint, QStringLiteral("--qconfig"), qconfig,
                                  QStringLiteral("--fakequant-model"), fakeQuant, QStringLiteral("--qat-mode"), mode});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.out));
        QVERIFY(exported.out.contains(QStringLiteral("qat mode ") + mode));
        QVERIFY(!exported.out.contains(QStringLiteral("identical")));
        const Run py = python(QStringLiteral("check_qat_handoff.py"),
                              {mode, kDemo, checkpoint, qconfig, fakeQuant, QStringLiteral(FASHION_DIR)});
        qInfo("%s", qPrintable(py.out));
        QCOMPARE(py.exitCode, 0);
        QVERIFY(py.out.contains(QStringLiteral("PASS")));
    }

private:
    const QString kDemo = QStringLiteral(CALIBSCOPE_TEST_DEMO_DIR "/demo.pt");
    QTemporaryDir m_dir;
    QString m_session;
};

QTEST_GUILESS_MAIN(TestQatHandoff)
#include "test_qat_handoff.moc"

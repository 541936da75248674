// The QAT hand-off in PyTorch: the demo calibrated (and, in a second case, repaired) and
// exported through the real binary in each QAT mode, then made a QAT model the PyTorch way,
// loaded, evaluated and trained a few steps by tests/export/check_qat_handoff.py.
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

    void pytorchTrainsFromTheCheckpoint_data() { everyMode(); }

    void pytorchTrainsFromTheCheckpoint()
    {
        QFETCH(QString, mode);
        handOff(m_session, mode, mode);
    }

    // A repaired demo: equalization (the blocks' conv1 -> relu -> conv2 chains, high-bias
    // absorption), empirical bias correction and a short AdaRound change the BN-folded convs;
    // the modes that keep the batch norm write them unfolded (the conv's own weight, the
    // batch norm's gamma and beta). PyTorch's QAT model built from the float demo with that
    // checkpoint loaded computes calibscope's fake-quantized model of the mode to the bit.
    void pytorchTrainsFromARepairedCheckpoint_data() { everyMode(); }

    void pytorchTrainsFromARepairedCheckpoint()
    {
        QFETCH(QString, mode);
        if (m_repaired.isEmpty()) {
            const QString repaired = m_dir.filePath(QStringLiteral("repaired.cscope"));
            const Run repair = run(QStringLiteral(CALIBSCOPE_CLI),
                                 {QStringLiteral("repair"), QStringLiteral("--session"), m_session,
                                  QStringLiteral("--equalize"), QStringLiteral("--bias-correction"),
                                  QStringLiteral("--adaround"), QStringLiteral("--adaround-iterations"),
                                  QStringLiteral("20"), QStringLiteral("--threads"), QStringLiteral("1"),
                                  QStringLiteral("--out"), repaired});
            qInfo("%s", qPrintable(repair.out));
            QVERIFY2(repair.exitCode == 0, qPrintable(repair.out));
            for (const char* name : {"repair:   equalization", "repair:   bias_correction", "repair:   adaround"})
                QVERIFY2(repair.out.contains(QString::fromLatin1(name)), name);
            m_repaired = repaired;
        }
        handOff(m_repaired, mode, QStringLiteral("repaired_") + mode, true);
    }

private:
    // One row per QAT checkpoint mode.
    static void everyMode()
    {
        QTest::addColumn<QString>("mode");
        for (const char* mode : {"fuse_bn", "with_bn", "with_bn_reverse_fold"})
            QTest::newRow(mode) << QString::fromLatin1(mode);
    }

    // Exports `session` in `mode` (checkpoint, qconfig, fake-quantized model) under files named
    // `tag` and runs check_qat_handoff.py on them.
    void handOff(const QString& session, const QString& mode, const QString& tag, bool repaired = false)
    {
        const QString checkpoint = m_dir.filePath(tag + QStringLiteral(".pt"));
        const QString qconfig = m_dir.filePath(tag + QStringLiteral(".json"));
        // The fake-quantized model of the same mode is the reference the QAT model starts from.
        const QString fakeQuant = m_dir.filePath(tag + QStringLiteral("_fq.pt"));
        const Run exported = run(QStringLiteral(CALIBSCOPE_CLI),
                                 {QStringLiteral("export"), QStringLiteral("--session"), session,
                                  QStringLiteral("--checkpoint"), checkpoint, QStringLiteral("--qconfig"), qconfig,
                                  QStringLiteral("--fakequant-model"), fakeQuant, QStringLiteral("--qat-mode"), mode});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.out));
        QVERIFY(exported.out.contains(QStringLiteral("qat mode ") + mode));
        QVERIFY(!exported.out.contains(QStringLiteral("identical")));
        QStringList arguments{mode, kDemo, checkpoint, qconfig, fakeQuant, QStringLiteral(FASHION_DIR)};
        if (repaired)
            arguments << QStringLiteral("--repaired");
        const Run py = python(QStringLiteral("check_qat_handoff.py"), arguments);
        qInfo("%s", qPrintable(py.out));
        QCOMPARE(py.exitCode, 0);
        QVERIFY(py.out.contains(QStringLiteral("PASS")));
    }

    const QString kDemo = QStringLiteral(CALIBSCOPE_TEST_DEMO_DIR "/demo.pt");
    QTemporaryDir m_dir;
    QString m_session;
    QString m_repaired; // made by the first repaired case
};

QTEST_GUILESS_MAIN(TestQatHandoff)
#include "test_qat_handoff.moc"

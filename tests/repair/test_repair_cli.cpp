// calibscope-cli repair and the export of a repaired session, as a user runs them.
#include "../process_test_support.h"
#include "core_test_support.h"
#include "core/calibration.h"
#include "core/session.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace cs;

class TestRepairCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        std::mt19937 rng(5);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> x(32 * 3 * 8 * 8);
        for (float& v : x)
            v = normal(rng);
        cs::test::writeNpy(path("x.npy"), x, {32, 3, 8, 8});
        CalibrationConfig c;
        c.modelPath = CALIBSCOPE_REPAIR_MODELS_DIR "/chain.pt";
        c.data.path = path("x.npy").toStdString();
        c.batchSize = 16;
        c.threads = 1;
        saveSession(runCalibration(c), ObserverBank(), path("s.cscope").toStdString());
    }

    void repairWritesARepairedSession()
    {
        const auto r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--session"), path("s.cscope"),
                                         QStringLiteral("--equalize"), QStringLiteral("--bias-correction"),
                                         QStringLiteral("--out"), path("r.cscope")});
        QVERIFY2(r.exitCode == 0, qPrintable(cs::test::describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("repair:   equalization")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("repair:   bias_correction batches=2 flavour=empirical")), qPrintable(r.out));
        const CalibrationResult repaired = loadSession(path("r.cscope").toStdString());
        QCOMPARE(repaired.repairs.size(), size_t(2));
        QVERIFY(!repaired.config.parameters.empty());
        QVERIFY(loadSession(path("s.cscope").toStdString()).repairs.empty());

        // export takes it like any session, ONNX included.
        auto e = cs::test::runCli({QStringLiteral("export"), QStringLiteral("--session"), path("r.cscope"),
                                   QStringLiteral("--float-state-dict"), path("f.pt"), QStringLiteral("--qconfig"),
                                   path("q.json"), QStringLiteral("--quiet")});
        QVERIFY2(e.exitCode == 0, qPrintable(cs::test::describe(e)));
        QVERIFY(QFile::exists(path("f.pt")));
        e = cs::test::runCli({QStringLiteral("export"), QStringLiteral("--session"), path("r.cscope"),
                              QStringLiteral("--onnx"), path("m.onnx")});
        QVERIFY2(e.exitCode == 0, qPrintable(cs::test::describe(e)));
        QVERIFY(QFile::exists(path("m.onnx")));
    }

    // --weight-observer weight_mse: every weight takes it, the help lists it, and a name
    // that is not an observer is refused before anything is written.
    void weightObserverFromTheCli()
    {
        auto r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--session"), path("s.cscope"),
                                   QStringLiteral("--weight-observer"), QStringLiteral("weight_mse"),
                                   QStringLiteral("--out"), path("w.cscope")});
        QVERIFY2(r.exitCode == 0, qPrintable(cs::test::describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("repair:   weight_observer name=weight_mse")), qPrintable(r.out));
        const CalibrationResult repaired = loadSession(path("w.cscope").toStdString());
        QVERIFY(!repaired.weights.empty());
        for (const WeightCalibration& w : repaired.weights)
            QCOMPARE(w.config.name, std::string("weight_mse"));
        r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--session"), path("s.cscope"),
                              QStringLiteral("--weight-observer"), QStringLiteral("nope"), QStringLiteral("--out"),
                              path("w2.cscope")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("unknown observer 'nope'")), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("w2.cscope")));
        for (const char* command : {"repair", "calibrate"}) {
            r = cs::test::runCli({QString::fromLatin1(command), QStringLiteral("--help")});
            QVERIFY2(r.out.contains(QStringLiteral("weight_mse")), command);
        }
    }

    void laterRepairsAndBadUsageAreRefused()
    {
        auto r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--session"), path("s.cscope"),
                                   QStringLiteral("--adaround-iterations"), QStringLiteral("10"), QStringLiteral("--out"),
                                   path("a.cscope")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("with --adaround")), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("a.cscope")));
        r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--session"), path("s.cscope"),
                              QStringLiteral("--budget"), QStringLiteral("0.5"), QStringLiteral("--out"), path("a.cscope")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--validation")), qPrintable(r.err));
        r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--session"), path("s.cscope"),
                              QStringLiteral("--out"), path("a.cscope")});
        QCOMPARE(r.exitCode, 2);
        r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--session"), path("s.cscope"),
                              QStringLiteral("--preset"), QStringLiteral("ti-nothing"), QStringLiteral("--out"),
                              path("a.cscope")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("unknown preset")), qPrintable(r.err));
        r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char* option : {"--equalize", "--weight-clipping", "--bias-correction", "--bias-flavour", "--preset",
                                   "--adaround", "--adaround-iterations", "--plan-search", "--validation", "--budget",
                                   "--out", "--quiet"})
            QVERIFY2(r.out.contains(QString::fromLatin1(option)), option);
    }
};

QTEST_GUILESS_MAIN(TestRepairCli)
#include "test_repair_cli.moc"

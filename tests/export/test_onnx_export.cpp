// export --onnx through the real binary: PyTorch's exporter over the fake-quantized model,
// checked with python3-onnx (tests/export/check_onnx.py) on the demo and on torchvision's
// resnet18 and mobilenet_v2 scripted at test time; an op the exporter cannot convert fails
// cleanly.
#include "export_test_utils.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace exporttest;

namespace {

const QString kCli = QStringLiteral(CALIBSCOPE_CLI);

Run cli(const QStringList& arguments) { return run(kCli, arguments); }

} // namespace

class TestOnnxExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const Run made = python(QStringLiteral("make_onnx_models.py"), {m_dir.path()});
        QVERIFY2(made.exitCode == 0, qPrintable(made.out));
    }

    void demoExportsQdqAtEveryPoint()
    {
        const QString session = m_dir.filePath(QStringLiteral("demo.cscope"));
        const Run calibrated = calibrateDemo(session, 256, 4);
        QVERIFY2(calibrated.exitCode == 0, qPrintable(calibrated.out));
        checkExport(session, QStringLiteral("demo"));
    }

    void torchvisionModels_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("resnet18") << QStringLiteral("resnet18");
        QTest::newRow("mobilenet_v2") << QStringLiteral("mobilenet_v2");
    }

    void torchvisionModels()
    {
        QFETCH(QString, name);
        checkExport(calibrate(name), name);
    }

    void unconvertibleOpFailsWithoutAFile()
    {
        const QString session = calibrate(QStringLiteral("erfinv"));
        const QString onnx = m_dir.filePath(QStringLiteral("erfinv.onnx"));
        const Run r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--onnx"), onnx});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.trimmed().startsWith(QStringLiteral("calibscope-cli: ")) && r.out.contains(QStringLiteral("aten::erfinv")),
                 qPrintable(r.out));
        QVERIFY(!QFile::exists(onnx));
        QVERIFY(!QFile::exists(onnx + QStringLiteral(".names.json")));
        const Run old = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--onnx"), onnx,
                             QStringLiteral("--opset"), QStringLiteral("9")});
        QCOMPARE(old.exitCode, 1);
        QVERIFY2(old.out.contains(QStringLiteral("opset 9")), qPrintable(old.out));
        QVERIFY(!QFile::exists(onnx));
    }

private:
    QString calibrate(const QString& name)
    {
        const QString session = m_dir.filePath(name + QStringLiteral(".cscope"));
        const Run calibrated = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), m_dir.filePath(name + QStringLiteral(".pt")),
                                    QStringLiteral("--data"), m_dir.filePath(name + QStringLiteral("_input.npy")),
                                    QStringLiteral("--batch-size"), QStringLiteral("8"), QStringLiteral("--num-batches"),
                                    QStringLiteral("-1"), QStringLiteral("--quiet"), QStringLiteral("--session"), session});
        if (calibrated.exitCode != 0)
            qWarning("%s", qPrintable(calibrated.out));
        return session;
    }

    void checkExport(const QString& session, const QString& name)
    {
        const QString onnx = m_dir.filePath(name + QStringLiteral(".onnx"));
        const QString qconfig = m_dir.filePath(name + QStringLiteral(".json"));
        const Run exported = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--onnx"),
                                  onnx, QStringLiteral("--qconfig"), qconfig});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.out));
        QVERIFY2(exported.out.contains(QStringLiteral("weight Q/DQ pairs")), qPrintable(exported.out));
        const Run py = python(QStringLiteral("check_onnx.py"), {onnx, qconfig});
        qInfo("%s: %s", qPrintable(name), qPrintable(py.out));
        QCOMPARE(py.exitCode, 0);
        QVERIFY(py.out.contains(QStringLiteral("PASS")));
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestOnnxExport)
#include "test_onnx_export.moc"

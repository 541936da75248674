// The demo model made by `calibscope-cli make-demo` (the ctest fixture): accuracy, metadata,
// that plain PyTorch loads and runs it, and that training it is deterministic.
#include "core/demo/demo_model.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
const QString kDemoDir = QStringLiteral(CALIBSCOPE_TEST_DEMO_DIR);

QJsonObject readDescription()
{
    QFile f(kDemoDir + QStringLiteral("/demo.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}
} // namespace

class TestDemoModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void descriptionAndAccuracy()
    {
        const QJsonObject d = readDescription();
        QCOMPARE(d.value(QStringLiteral("format")).toString(), QStringLiteral("calibscope-demo"));
        const double accuracy = d.value(QStringLiteral("test_accuracy")).toDouble();
        QVERIFY2(accuracy >= 0.88, qPrintable(QString::number(accuracy)));
        const qint64 parameters = d.value(QStringLiteral("parameters")).toInteger();
        QVERIFY(parameters > 80000 && parameters < 150000);
        const QJsonObject calibration = d.value(QStringLiteral("calibration")).toObject();
        QCOMPARE(calibration.value(QStringLiteral("start")).toInteger(), 59000);
        QCOMPARE(calibration.value(QStringLiteral("count")).toInteger(), 1000);
        QVERIFY(calibration.value(QStringLiteral("path")).toString().endsWith(QStringLiteral("train-images-idx3-ubyte.gz")));
        const QJsonObject validation = d.value(QStringLiteral("validation")).toObject();
        QCOMPARE(validation.value(QStringLiteral("count")).toInteger(), 10000);
        QVERIFY(validation.value(QStringLiteral("labels")).toString().endsWith(QStringLiteral("t10k-labels-idx1-ubyte.gz")));
        QCOMPARE(d.value(QStringLiteral("classes")).toArray().size(), 10);
    }

    // Two fresh trainings, with different thread counts, give the same model byte for byte.
    void trainingIsDeterministic()
    {
        QTemporaryDir a, b;
        QVERIFY(a.isValid() && b.isValid());
        cs::DemoConfig config;
        config.trainImages = 1500;
        config.testImages = 500;
        config.outDir = a.path().toStdString();
        config.threads = 1;
        const cs::DemoInfo first = cs::makeDemo(config);
        config.outDir = b.path().toStdString();
        config.threads = 2;
        const cs::DemoInfo second = cs::makeDemo(config);
        QVERIFY(!first.fromCache && !second.fromCache);
        QCOMPARE(first.testAccuracy, second.testAccuracy);
        QFile fa(QString::fromStdString(first.modelPath)), fb(QString::fromStdString(second.modelPath));
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        const QByteArray bytesA = fa.readAll(), bytesB = fb.readAll();
        QVERIFY(!bytesA.isEmpty());
        QVERIFY2(bytesA == bytesB, "two trainings of the same configuration saved different models");
    }

    void pythonLoadsAndRunsTheModel()
    {
        // Python re-evaluates 2000 test images with the preprocessing the description records.
        const QString script = QStringLiteral(R"(
import gzip, json, sys
import numpy as np, torch
d = json.load(open(sys.argv[1] + '/demo.json'))
m = torch.jit.load(sys.argv[1] + '/demo.pt').eval()
v = d['validation']
with gzip.open(v['path']) as f: x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:2000]
with gzip.open(v['labels']) as f: y = np.frombuffer(f.read(), np.uint8, offset=8)[:2000]
p = d['preprocess']
t = (torch.tensor(x, dtype=torch.float32) * p['scale'] - p['mean'][0]) / p['std'][0]
with torch.no_grad(): out = m(t)
print(tuple(out.shape), float((out.argmax(1).numpy() == y).mean()))
)");
        QProcess python;
        python.start(QStringLiteral(CALIBSCOPE_PYTHON), {QStringLiteral("-c"), script, kDemoDir});
        QVERIFY(python.waitForFinished(300000));
        QCOMPARE(python.exitCode(), 0);
        const QStringList out = QString::fromUtf8(python.readAllStandardOutput()).trimmed().split(QStringLiteral(") "));
        QCOMPARE(out.size(), 2);
        QCOMPARE(out[0], QStringLiteral("(2000, 10"));
        const double accuracy = out[1].toDouble();
        QVERIFY2(accuracy > 0.86, qPrintable(out[1]));
    }
};

QTEST_GUILESS_MAIN(TestDemoModel)
#include "test_demo_model.moc"

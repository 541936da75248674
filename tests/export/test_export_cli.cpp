// calibscope-cli export (and calibrate --overrides with an exported qconfig), end to end
// through the real binary; the demo session's exports loaded by Python.
#include "export_test_utils.h"

#include "core/exchange/checkpoint.h"
#include "core/exchange/qconfig.h"
#include "core/session.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace cs;
using namespace exporttest;

namespace {

const QString kCli = QStringLiteral(CALIBSCOPE_CLI);
const QString kQatModel = QString::fromStdString(kModels + "/qat_scripted.pt");
const QString kQatData = QString::fromStdString(kModels + "/qat_input.npy");

Run cli(const QStringList& arguments) { return run(kCli, arguments); }

Run calibrateQat(const QString& session, const QStringList& extra = {})
{
    return cli(QStringList{QStringLiteral("calibrate"), QStringLiteral("--model"), kQatModel, QStringLiteral("--data"),
                           kQatData, QStringLiteral("--batch-size"), QStringLiteral("16"), QStringLiteral("--num-batches"),
                           QStringLiteral("-1"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--quiet"),
                           QStringLiteral("--session"), session}
               + extra);
}

bool oneLineError(const Run& r, const QString& words)
{
    const QString text = r.out.trimmed();
    return !text.contains(QLatin1Char('\n')) && text.startsWith(QStringLiteral("calibscope-cli: ")) && text.contains(words);
}

} // namespace

class TestExportCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exportWritesEveryForm()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath(QStringLiteral("qat.cscope"));
        const Run calibrated = calibrateQat(session);
        QVERIFY2(calibrated.exitCode == 0, qPrintable(calibrated.out));
        const QString q = dir.filePath(QStringLiteral("out/q.json"));
        const QString c = dir.filePath(QStringLiteral("out/c.pt"));
        const QString fq = dir.filePath(QStringLiteral("out/fq.pt"));
        const Run exported = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--qconfig"), q,
                                  QStringLiteral("--checkpoint"), c, QStringLiteral("--fakequant-model"), fq,
                                  QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.out));
        QVERIFY(exported.out.contains(QStringLiteral("qconfig:    ") + q));
        QVERIFY(exported.out.contains(QStringLiteral("checkpoint: ") + c + QStringLiteral(" (")));
        QVERIFY(exported.out.contains(QStringLiteral("fake-quant: ") + fq));

        const CalibrationResult r = loadSession(session.toStdString());
        QCOMPARE(readAll(q).toStdString(), formatQconfig(r));
        QCOMPARE(loadCheckpoint(c.toStdString()).size(), checkpointTensors(r).size());
        QVERIFY(QFileInfo(fq).size() > 1000);

        // The qconfig goes back in as --overrides; a tuned copy changes the next run.
        QByteArray tuned = readAll(q);
        const QByteArray from = "\"name\": \"fc\"";
        const qsizetype at = tuned.indexOf(from);
        QVERIFY(at > 0);
        const qsizetype observerAt = tuned.indexOf("\"observer\": \"min_max\"", at);
        tuned.replace(observerAt, 21, "\"observer\": \"percentile\"");
        const qsizetype paramsAt = tuned.indexOf("{\"averaging_constant\": 0.01}", observerAt);
        tuned.replace(paramsAt, 28, "{\"percentile\": 99}");
        QVERIFY(writeAll(dir.filePath(QStringLiteral("tuned.json")), tuned));
        const QString again = dir.filePath(QStringLiteral("again.cscope"));
        const Run rerun = calibrateQat(again, {QStringLiteral("--overrides"), dir.filePath(QStringLiteral("tuned.json"))});
        QVERIFY2(rerun.exitCode == 0, qPrintable(rerun.out));
        const CalibrationResult r2 = loadSession(again.toStdString());
        QCOMPARE(r2.point("fc")->config.name, std::string("percentile"));
        QCOMPARE(r2.point("fc")->config.params, (obs::ParamMap{{"percentile", 99.0}}));
        QVERIFY(r2.point("fc")->result.scale != r.point("fc")->result.scale);
        QCOMPARE(r2.point("relu")->result.scale, r.point("relu")->result.scale);

        // A bad override stops calibrate with one line naming the file and the op.
        tuned.replace("{\"percentile\": 99}", "{\"percentile\": 199}");
        QVERIFY(writeAll(dir.filePath(QStringLiteral("bad.json")), tuned));
        const Run bad = calibrateQat(dir.filePath(QStringLiteral("bad.cscope")),
                                     {QStringLiteral("--overrides"), dir.filePath(QStringLiteral("bad.json"))});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(oneLineError(bad, QStringLiteral("bad.json: op fc activation: parameter 'percentile'")), qPrintable(bad.out));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("bad.cscope"))));
    }

    void usageAndInputErrors()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath(QStringLiteral("qat.cscope"));
        QCOMPARE(calibrateQat(session).exitCode, 0);
        const QString q = dir.filePath(QStringLiteral("q.json"));

        Run r = cli({QStringLiteral("export"), QStringLiteral("--session"), session});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(oneLineError(r, QStringLiteral("nothing to write")), qPrintable(r.out));
        r = cli({QStringLiteral("export"), QStringLiteral("--qconfig"), q});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(oneLineError(r, QStringLiteral("--session is required")));
        r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--qconfig"), q,
                 QStringLiteral("--threads"), QStringLiteral("many")});
        QCOMPARE(r.exitCode, 2);
        r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--bogus")});
        QCOMPARE(r.exitCode, 2);
        r = cli({QStringLiteral("export"), QStringLiteral("--session"), dir.filePath(QStringLiteral("none.cscope")),
                 QStringLiteral("--qconfig"), q});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(oneLineError(r, QStringLiteral("none.cscope")), qPrintable(r.out));
        QVERIFY(!QFile::exists(q));
        // Writing below a regular file fails with the output's name.
        QVERIFY(writeAll(dir.filePath(QStringLiteral("file")), "x"));
        r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--checkpoint"),
                 dir.filePath(QStringLiteral("file/c.pt"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(oneLineError(r, QStringLiteral("file/c.pt")), qPrintable(r.out));
        r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--fakequant-model"),
                 dir.filePath(QStringLiteral("fq.pt")), QStringLiteral("--model"), dir.filePath(QStringLiteral("file"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(oneLineError(r, QStringLiteral("not a TorchScript model")), qPrintable(r.out));
        r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--fakequant-model"),
                 dir.filePath(QStringLiteral("fq.pt")), QStringLiteral("--model"),
                 QString::fromStdString(kModels + "/inplace_scripted.pt")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(oneLineError(r, QStringLiteral("is not the calibrated model")), qPrintable(r.out));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("fq.pt"))));
        r = cli({QStringLiteral("export"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("--fakequant-model")));
    }

    void qatModeOption()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath(QStringLiteral("qat.cscope"));
        QVERIFY(calibrateQat(session).exitCode == 0);
        const QString c = dir.filePath(QStringLiteral("c.pt"));
        Run r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--checkpoint"), c,
                     QStringLiteral("--qat-mode"), QStringLiteral("fold")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(oneLineError(r, QStringLiteral("fuse_bn, with_bn or with_bn_reverse_fold")), qPrintable(r.out));
        QVERIFY(!QFile::exists(c));
        // conv-bn-relu: with_bn keys the point by the bn and quantizes the conv's own weight.
        r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--checkpoint"), c,
                 QStringLiteral("--qat-mode"), QStringLiteral("with_bn")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("qat mode with_bn)")));
        QVERIFY(!r.out.contains(QStringLiteral("identical")));
        bool bnKeyed = false;
        for (const CheckpointTensor& t : loadCheckpoint(c.toStdString()))
            bnKeyed = bnKeyed || t.key == "bn.activation_post_process.scale";
        QVERIFY(bnKeyed);
        // Without batch norm folding (per-op points) the modes are one, and the CLI says so.
        const QString perOp = dir.filePath(QStringLiteral("perop.cscope"));
        QVERIFY(calibrateQat(perOp, {QStringLiteral("--per-op")}).exitCode == 0);
        r = cli({QStringLiteral("export"), QStringLiteral("--session"), perOp, QStringLiteral("--checkpoint"), c,
                 QStringLiteral("--qat-mode"), QStringLiteral("with_bn_reverse_fold")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("the QAT modes are identical here")), qPrintable(r.out));
        QVERIFY(QFile::exists(c));
    }

    void demoSessionExportLoadsInPython()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath(QStringLiteral("demo.cscope"));
        const Run calibrated = calibrateDemo(session, 1000, 8);
        QVERIFY2(calibrated.exitCode == 0, qPrintable(calibrated.out));
        const QString q = dir.filePath(QStringLiteral("demo.json"));
        const QString c = dir.filePath(QStringLiteral("demo_ckpt.pt"));
        const QString fq = dir.filePath(QStringLiteral("demo_fq.pt"));
        const Run exported = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--qconfig"),
                                  q, QStringLiteral("--checkpoint"), c, QStringLiteral("--fakequant-model"), fq,
                                  QStringLiteral("--quiet")});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.out));
        QVERIFY(exported.out.trimmed().isEmpty());
        // Plain PyTorch: the checkpoint is a dict of tensors whose scales are the qconfig's,
        // and the fake-quantized model runs.
        const QString script = QStringLiteral(R"(
import json, sys, torch
q = json.load(open(sys.argv[1])); ckpt = torch.load(sys.argv[2]); fq = torch.jit.load(sys.argv[3])
assert isinstance(ckpt, dict) and all(torch.is_tensor(v) for v in ckpt.values())
checked = 0
for op in q["ops"]:
    if "weight" in op:
        assert torch.equal(ckpt[op["name"] + ".weight_fake_quant.scale"], torch.tensor(op["weight"]["scale"], dtype=torch.float32))
        checked += 1
y = fq(torch.zeros(2, 1, 28, 28))
assert y.shape == (2, 10) and torch.isfinite(y).all()
print("demo ok", len(ckpt), "tensors,", checked, "weights checked")
)");
        const Run py = run(QStringLiteral(CALIBSCOPE_PYTHON), {QStringLiteral("-c"), script, q, c, fq});
        QVERIFY2(py.exitCode == 0, qPrintable(py.out));
        QVERIFY(py.out.contains(QStringLiteral("8 weights checked")));
    }
};

QTEST_GUILESS_MAIN(TestExportCli)
#include "test_export_cli.moc"

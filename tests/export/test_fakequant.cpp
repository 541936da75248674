// The fake-quantized TorchScript model: plain PyTorch (torch.jit.load, no calibscope) runs it
// and reproduces calibscope's own QuantizedModel::forward to 1e-6.
#include "../demo_test_config.h"
#include "export_test_utils.h"

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/export/fakequant_export.h"
#include "core/model_graph.h"
#include "core/quant_plan.h"
#include "core/quantized_model.h"

#include <torch/script.h>
#include <torch/serialize.h>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace cs;
using namespace exporttest;

namespace {

const std::string kDemoDir = CALIBSCOPE_TEST_DEMO_DIR;

CalibrationConfig demoConfig() { return cs::test::demoCalibrationConfig(kDemoDir + "/demo.pt", 4); }

// calibscope's quantized output on `input`, written with the input for the Python side.
void writeCase(const CalibrationResult& r, const std::string& modelPath, const at::Tensor& input, const std::string& path)
{
    ModelGraph graph(modelPath, r.config.mode);
    graph.inferShapes(r.model.inputShape);
    QuantizedModel model(graph, planFromCalibration(r));
    const at::Tensor x = input.contiguous();
    const BatchOutput out = model.forward(x.data_ptr<float>(), x.sizes().vec());
    const at::Tensor expected =
        torch::from_blob(const_cast<float*>(out.data.data()), out.shape, torch::kFloat32).clone();
    c10::Dict<std::string, at::Tensor> dict;
    dict.insert("input", x);
    dict.insert("expected", expected);
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

int quantizedPoints(const CalibrationResult& r)
{
    int n = 0;
    for (const PointCalibration& p : r.points)
        n += p.config.keepFloat ? 0 : 1;
    return n;
}

void checkInPython(const CalibrationResult& r, const std::string& modelPath, const at::Tensor& input)
{
    QTemporaryDir dir;
    const QString fq = dir.filePath(QStringLiteral("fq.pt"));
    const QString casePath = dir.filePath(QStringLiteral("case.pt"));
    saveFakeQuantModel(r, modelPath, fq.toStdString());
    writeCase(r, modelPath, input, casePath.toStdString());
    const Run py = python(QStringLiteral("check_fakequant.py"), {fq, casePath, QString::number(quantizedPoints(r))});
    qInfo("%s", qPrintable(py.out.trimmed()));
    QVERIFY2(py.exitCode == 0 || py.exitCode == 3, "the outputs differ (or the model does not run in Python)");
    QVERIFY(py.out.contains(QStringLiteral("max |python - calibscope| = ")));
    QCOMPARE(py.exitCode, 0); // a fake_quantize at every quantized point
}

at::Tensor randomInput(std::vector<int64_t> shape, int64_t batch, double spread)
{
    shape.at(0) = batch;
    torch::manual_seed(11);
    return torch::randn(shape) * spread;
}

} // namespace

class TestFakeQuant : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pythonRunsTheFakeQuantModel_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("data");
        QTest::addColumn<bool>("perOp");
        QTest::addRow("qat deployment") << QStringLiteral("qat_scripted.pt") << QStringLiteral("qat_input.npy") << false;
        QTest::addRow("qat per-op") << QStringLiteral("qat_scripted.pt") << QStringLiteral("qat_input.npy") << true;
        QTest::addRow("inplace scripted") << QStringLiteral("inplace_scripted.pt") << QStringLiteral("inplace_input.npy")
                                          << false;
        QTest::addRow("inplace traced") << QStringLiteral("inplace_traced.pt") << QStringLiteral("inplace_input.npy")
                                        << false;
    }
    void pythonRunsTheFakeQuantModel()
    {
        QFETCH(QString, model);
        QFETCH(QString, data);
        QFETCH(bool, perOp);
        CalibrationConfig c = inplaceConfig();
        c.modelPath = kModels + "/" + model.toStdString();
        c.data.path = kModels + "/" + data.toStdString();
        c.mode = perOp ? PointMode::PerOp : PointMode::Deployment;
        // A mix of grids: an affine uint8 point, a 16-bit one, a point kept in float.
        c.overrides[perOp ? "bn" : "relu"].spec.dtype = obs::DType::QUInt8;
        c.overrides[perOp ? "bn" : "relu"].spec.qscheme = obs::QScheme::PerTensorAffine;
        c.overrides["cat"].keepFloat = true;
        const CalibrationResult r = runCalibration(c);
        checkInPython(r, c.modelPath, randomInput(r.model.inputShape, 8, 1.5));
    }

    void demoExportRunsInPython()
    {
        const CalibrationResult r = runCalibration(demoConfig());
        QCOMPARE(r.points.size(), size_t(15));
        checkInPython(r, r.config.modelPath, randomInput(r.model.inputShape, 16, 1.0));
    }

    void refusesAnotherModel()
    {
        const CalibrationResult r = runCalibration(inplaceConfig());
        QTemporaryDir dir;
        const std::string out = dir.filePath(QStringLiteral("fq.pt")).toStdString();
        try {
            saveFakeQuantModel(r, kModels + "/inplace_traced.pt", out);
            QFAIL("no exception");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("is not the calibrated model") != std::string::npos, e.what());
        }
        QVERIFY(!QFile::exists(QString::fromStdString(out)));
        // The model is found beside the session when its recorded path is gone.
        CalibrationResult moved = r;
        moved.model.path = "/nonexistent/inplace_scripted.pt";
        QCOMPARE(locateModel(moved, kModels + "/some.cscope"), kModels + "/inplace_scripted.pt");
        QVERIFY_THROWS_EXCEPTION(CalibError, locateModel(moved, dir.filePath(QStringLiteral("s.cscope")).toStdString()));
    }

    void failedWriteKeepsThePreviousFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fq.pt"));
        CalibrationResult r = runCalibration(inplaceConfig());
        saveFakeQuantModel(r, r.config.modelPath, path.toStdString());
        const QByteArray before = readAll(path);
        QVERIFY(!before.isEmpty());
        r.points.at(1).result.scale.at(0) *= 2;
        injectWriteFailureForTesting(100);
        bool threw = false;
        try {
            saveFakeQuantModel(r, r.config.modelPath, path.toStdString());
        } catch (const CalibError&) {
            threw = true;
        }
        injectWriteFailureForTesting(-1);
        QVERIFY(threw);
        QCOMPARE(readAll(path), before);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("fq.pt")});
    }
};

QTEST_GUILESS_MAIN(TestFakeQuant)
#include "test_fakequant.moc"

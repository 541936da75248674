// The fake-quantized TorchScript model: plain PyTorch (torch.jit.load, no calibscope) runs it
// and reproduces calibscope's own QuantizedModel::forward to 1e-6.
#include "../demo_test_config.h"
#include "export_test_utils.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/exchange/fakequant_export.h"
#include "core/model/model_graph.h"
#include "core/quant_plan.h"
#include "core/model/quantized_model.h"

#include <torch/script.h>
#include <torch/serialize.h>

#include <QDir>
#include <limits>
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

    // The quantized forward inside calibscope runs calibscope::fake_quantize instead of the
    // aten op the saved model holds (the aten op builds a mask tensor every call): both must
    // give the same bits for every finite input, ties and out-of-range values included.
    void ownFakeQuantizeMatchesAtenBitForBit_data()
    {
        QTest::addColumn<double>("scale");
        QTest::addColumn<qint64>("zeroPoint");
        QTest::addColumn<qint64>("quantMin");
        QTest::addColumn<qint64>("quantMax");
        QTest::addRow("qint8 symmetric") << 0.0173 << qint64(0) << qint64(-128) << qint64(127);
        QTest::addRow("quint8 affine") << 0.05 << qint64(37) << qint64(0) << qint64(255);
        QTest::addRow("qint16") << 3.1e-4 << qint64(0) << qint64(-32768) << qint64(32767);
        QTest::addRow("power of two, narrow") << 0.125 << qint64(0) << qint64(-127) << qint64(127);
        QTest::addRow("qint4") << 0.4 << qint64(-2) << qint64(-8) << qint64(7);
    }
    void ownFakeQuantizeMatchesAtenBitForBit()
    {
        QFETCH(double, scale);
        QFETCH(qint64, zeroPoint);
        QFETCH(qint64, quantMin);
        QFETCH(qint64, quantMax);
        c10::InferenceMode inference;
        torch::manual_seed(5);
        const float s = float(scale);
        // Random values over twice the range, exact half-steps (ties), the grid itself, zero
        // and values far outside; an odd count exercises the scalar tail.
        const at::Tensor steps = torch::arange(-300, 301, torch::kFloat32);
        const at::Tensor x = torch::cat({torch::randn({10001}) * (s * float(quantMax - quantMin)),
                                         (steps + 0.5f) * s, steps * s, torch::zeros({3}),
                                         torch::tensor({1e9f, -1e9f, -3.4e38f})});
        const auto op = c10::Dispatcher::singleton()
                            .findSchemaOrThrow("calibscope::fake_quantize", "")
                            .typed<at::Tensor(const at::Tensor&, double, int64_t, int64_t, int64_t)>();
        ModelGraph registersTheOp(kDemoDir + "/demo.pt"); // the op lives in calibscope_core
        Q_UNUSED(registersTheOp);
        const at::Tensor ours = op.call(x, scale, zeroPoint, quantMin, quantMax);
        const at::Tensor aten = at::fake_quantize_per_tensor_affine(x, scale, zeroPoint, quantMin, quantMax);
        QCOMPARE(ours.sizes(), aten.sizes());
        const at::Tensor differs = (ours != aten).nonzero();
        for (int64_t k = 0; k < std::min<int64_t>(differs.size(0), 3); ++k) {
            const int64_t i = differs[k][0].item<int64_t>();
            qWarning("x %.9g: calibscope %.9g, aten %.9g", x[i].item<double>(), ours[i].item<double>(), aten[i].item<double>());
        }
        QCOMPARE(differs.size(0), int64_t(0));
        QVERIFY(ours.min().item<float>() < 0 || quantMin - zeroPoint >= 0); // not all clamped to one end
        QCOMPARE(ours.max().item<float>(), float(quantMax - zeroPoint) * s);
        // Where x / scale overflows float, PyTorch converts inf to int64 (undefined; on x86 it
        // lands on quant_min, so a huge positive value becomes the most negative level);
        // calibscope clamps it to the top of the range.
        const at::Tensor huge = torch::tensor({3.4e38f, std::numeric_limits<float>::infinity()});
        const at::Tensor top = op.call(huge, scale, zeroPoint, quantMin, quantMax);
        QCOMPARE(top[0].item<float>(), float(quantMax - zeroPoint) * s);
        QCOMPARE(top[1].item<float>(), float(quantMax - zeroPoint) * s);
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

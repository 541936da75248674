// The repaired parameters leave calibscope: the qconfig lists the repairs, the checkpoint
// carries the repaired (folded) values, and plain PyTorch reproduces calibscope's repaired
// float output from the float state dict and its quantized output from the fake-quantized
// TorchScript, and the ONNX export carries the fake-quantized model's repaired weights and
// biases bit for bit (check_repair_export.py).
#include "core_test_support.h"
#include "core/calibration.h"
#include "core/errors.h"
#include "core/exchange/checkpoint.h"
#include "core/exchange/fakequant_export.h"
#include "core/exchange/float_state_dict.h"
#include "core/exchange/onnx_export.h"
#include "core/exchange/qconfig.h"
#include "core/model/model_graph.h"
#include "core/model/quantized_model.h"
#include "core/quant_plan.h"
#include "core/repair/repair.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace cs;

namespace {

const std::string kModels = CALIBSCOPE_REPAIR_MODELS_DIR;

} // namespace

class TestRepairExport : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void repairedParametersReachPyTorch()
    {
        std::mt19937 rng(3);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> x(32 * 3 * 8 * 8);
        for (float& v : x)
            v = normal(rng);
        const std::vector<int64_t> shape{32, 3, 8, 8};
        cs::test::writeNpy(path("x.npy"), x, shape);
        CalibrationConfig c;
        c.modelPath = kModels + "/chain.pt";
        c.data.path = path("x.npy").toStdString();
        c.batchSize = 16;
        c.threads = 1;
        c.weight.spec.qscheme = obs::QScheme::PerTensorSymmetric;
        c.weight.spec.chAxis = -1;
        const CalibrationResult session = runCalibration(c);
        RepairOptions options;
        options.equalize = true;
        options.biasCorrection = true;
        const CalibrationResult repaired = runRepairs(session, c, options);
        QVERIFY(!repaired.config.parameters.empty());

        // qconfig: the repairs with their parameters.
        const QJsonObject q = QJsonDocument::fromJson(QByteArray::fromStdString(formatQconfig(repaired))).object();
        const QJsonArray repairs = q.value(QStringLiteral("repairs")).toArray();
        QCOMPARE(repairs.size(), 2);
        QCOMPARE(repairs[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("equalization"));
        QCOMPARE(repairs[1].toObject().value(QStringLiteral("params")).toObject().value(QStringLiteral("flavour")).toString(),
                 QStringLiteral("empirical"));
        QVERIFY(!QJsonDocument::fromJson(QByteArray::fromStdString(formatQconfig(session))).object().contains(
            QStringLiteral("repairs")));

        // Checkpoint (fuse_bn): the folded repaired values under the fused module's keys;
        // the modes that keep the batch norm refuse them.
        bool found = false;
        for (const auto& t : checkpointTensors(repaired))
            if (t.key == "conv1.bias")
                found = t.floats == repaired.config.parameters.at("conv1").bias;
        QVERIFY(found);
        QVERIFY_THROWS_EXCEPTION(CalibError, checkpointTensors(repaired, QatMode::WithBn));

        // calibscope's repaired float and quantized outputs.
        ModelGraph graph(c.modelPath);
        QuantPlan floatPlan;
        floatPlan.parameters = repaired.config.parameters;
        const BatchOutput floatOut = QuantizedModel(graph, floatPlan).forward(x.data(), shape);
        cs::test::writeNpy(path("float_out.npy"), floatOut.data, floatOut.shape);
        const BatchOutput fqOut = QuantizedModel(graph, planFromCalibration(repaired)).forward(x.data(), shape);
        cs::test::writeNpy(path("fq_out.npy"), fqOut.data, fqOut.shape);
        saveFloatStateDict(repaired, c.modelPath, path("float_state.pt").toStdString());
        saveFakeQuantModel(repaired, c.modelPath, path("fq.pt").toStdString());
        // ONNX carries the repaired weights: those of the fake-quantized model, on their grids.
        saveOnnx(repaired, c.modelPath, path("m.onnx").toStdString());

        QProcess python;
        python.start(QStringLiteral(CALIBSCOPE_PYTHON),
                     {QStringLiteral(CALIBSCOPE_REPAIR_SOURCE_DIR "/check_repair_export.py"),
                      QString::fromStdString(kModels), path("float_state.pt"), path("x.npy"), path("float_out.npy"),
                      path("fq.pt"), path("fq_out.npy"), path("m.onnx")});
        QVERIFY(python.waitForFinished(300000));
        const QByteArray output = python.readAllStandardOutput() + python.readAllStandardError();
        qInfo().noquote() << output;
        QVERIFY2(python.exitCode() == 0, output.constData());
    }
};

QTEST_GUILESS_MAIN(TestRepairExport)
#include "test_repair_export.moc"

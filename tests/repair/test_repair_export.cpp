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

#include <cmath>
#include <random>
#include <utility>

using namespace cs;

namespace {

const std::string kModels = CALIBSCOPE_REPAIR_MODELS_DIR;

} // namespace

class TestRepairExport : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    // 32 standard-normal 3x8x8 images, written to `npy`, and the chain model's calibration on them.
    struct ChainInput {
        std::vector<float> x;
        std::vector<int64_t> shape{32, 3, 8, 8};
        CalibrationConfig config;
    };
    ChainInput chainInput(const char* npy, unsigned seed) const
    {
        ChainInput in;
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        in.x.resize(32 * 3 * 8 * 8);
        for (float& v : in.x)
            v = normal(rng);
        cs::test::writeNpy(path(npy), in.x, in.shape);
        in.config.modelPath = kModels + "/chain.pt";
        in.config.data.path = path(npy).toStdString();
        in.config.batchSize = 16;
        in.config.threads = 1;
        return in;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void repairedParametersReachPyTorch()
    {
        const ChainInput in = chainInput("x.npy", 3);
        const std::vector<float>& x = in.x;
        const std::vector<int64_t>& shape = in.shape;
        CalibrationConfig c = in.config;
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

        // Checkpoint (fuse_bn): the folded repaired values under the fused module's keys.
        bool found = false;
        for (const auto& t : checkpointTensors(repaired))
            if (t.key == "conv1.bias")
                found = t.floats == repaired.config.parameters.at("conv1").bias;
        QVERIFY(found);
        // The modes that keep the batch norm need the model to unfold them (unfoldedRepairs).
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

    // with_bn and with_bn_reverse_fold hold the repaired (equalized, bias-corrected) convs
    // unfolded: the layouts compute the repaired float model, and in PyTorch the unfolded
    // conv weight and batch norm fold back into the repaired values (check_repair_withbn.py).
    void repairedSessionsExportWithBatchNorm()
    {
        const ChainInput in = chainInput("xb.npy", 5);
        const std::vector<float>& x = in.x;
        const std::vector<int64_t>& shape = in.shape;
        CalibrationConfig c = in.config;
        RepairOptions options;
        options.equalize = true;
        options.biasCorrection = true;
        const CalibrationResult repaired = runRepairs(runCalibration(c), c, options);
        QVERIFY(needsUnfoldedRepairs(repaired, QatMode::WithBn));
        QVERIFY(!needsUnfoldedRepairs(repaired, QatMode::FuseBn));
        const UnfoldedRepairMap unfolded = unfoldedRepairs(repaired, c.modelPath);
        QVERIFY(unfolded.count("conv1"));

        ModelGraph graph(c.modelPath);
        QuantPlan floatPlan;
        floatPlan.parameters = repaired.config.parameters;
        const BatchOutput folded = QuantizedModel(graph, floatPlan).forward(x.data(), shape);
        cs::test::writeNpy(path("float_outb.npy"), folded.data, folded.shape);
        saveCheckpoint(repaired, path("fuse_bn.pt").toStdString(), QatMode::FuseBn);
        for (const auto& [mode, layout] : {std::pair{QatMode::WithBn, BatchNormLayout::AfterConv},
                                           std::pair{QatMode::WithBnReverseFold, BatchNormLayout::ReverseFolded}}) {
            // In float the layout is the repaired model.
            const BatchOutput out = QuantizedModel(graph, floatPlan, false, layout).forward(x.data(), shape);
            QCOMPARE(out.data.size(), folded.data.size());
            for (size_t k = 0; k < out.data.size(); ++k)
                QVERIFY2(std::abs(out.data[k] - folded.data[k]) <= 1e-4f * (1.0f + std::abs(folded.data[k])),
                         qPrintable(QStringLiteral("%1: %2 vs %3").arg(k).arg(out.data[k]).arg(folded.data[k])));
            const QString name = QString::fromLatin1(qatModeName(mode));
            saveCheckpoint(repaired, m_dir.filePath(name + QStringLiteral(".pt")).toStdString(), mode, unfolded);
            bool gammaWritten = false;
            for (const auto& t : checkpointTensors(repaired, mode, unfolded))
                gammaWritten |= t.key == (mode == QatMode::WithBn ? "bn1.0.weight" : "conv1.bn.weight");
            QVERIFY(gammaWritten);
            // calibscope's quantized forward of the layout, as the fake-quantized model saves it.
            saveFakeQuantModel(repaired, c.modelPath, m_dir.filePath(name + QStringLiteral("_fq.pt")).toStdString(), mode);
        }

        QProcess python;
        python.start(QStringLiteral(CALIBSCOPE_PYTHON),
                     {QStringLiteral(CALIBSCOPE_REPAIR_SOURCE_DIR "/check_repair_withbn.py"),
                      QString::fromStdString(kModels), m_dir.path(), path("xb.npy"), path("float_outb.npy")});
        QVERIFY(python.waitForFinished(300000));
        const QByteArray output = python.readAllStandardOutput() + python.readAllStandardError();
        qInfo().noquote() << output;
        QVERIFY2(python.exitCode() == 0, output.constData());
    }
};

QTEST_GUILESS_MAIN(TestRepairExport)
#include "test_repair_export.moc"

// The checkpoint: keys and tensors as FORMATS.md lays them out, read back by LibTorch and by
// Python's torch.load into an eager-mode QAT model (tests/export/check_checkpoint.py).
#include "export_test_utils.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/exchange/checkpoint.h"
#include "core/exchange/qconfig.h"
#include "core/exchange/qconfig_reader_p.h"
#include "core/observers/quant_math.h"

#include <QDir>

#include <cmath>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace cs;
using namespace exporttest;

namespace {

const CheckpointTensor* find(const std::vector<CheckpointTensor>& tensors, const std::string& key)
{
    for (const CheckpointTensor& t : tensors)
        if (t.key == key)
            return &t;
    return nullptr;
}

std::vector<int32_t> int32s(const std::vector<int64_t>& v) { return std::vector<int32_t>(v.begin(), v.end()); }

} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keysAndTensorsFollowFormats()
    {
        const CalibrationResult r = runCalibration(inplaceConfig());
        const std::vector<CheckpointTensor> tensors = checkpointTensors(r);
        std::vector<std::string> keys;
        for (const CheckpointTensor& t : tensors)
            keys.push_back(t.key);
        // Graph order; the conv->bn point is keyed by the conv (the fused QAT module's name).
        std::vector<std::string> expected;
        for (const char* p : {"x.activation_post_process", "conv.weight_fake_quant", "conv.activation_post_process",
                              "add.activation_post_process", "relu.activation_post_process",
                              "cat.activation_post_process"})
            for (const char* leaf : {".scale", ".zero_point", ".activation_post_process.min_val",
                                     ".activation_post_process.max_val", ".activation_post_process.min_vals",
                                     ".activation_post_process.max_vals"})
                if (std::string(leaf).back() != 's' || std::string(p) == "conv.weight_fake_quant") // per-channel only
                    expected.push_back(std::string(p) + leaf);
        QCOMPARE(keys, expected);

        const CheckpointTensor* scale = find(tensors, "conv.activation_post_process.scale");
        QCOMPARE(scale->shape, std::vector<int64_t>{1});
        QCOMPARE(scale->floats, r.point("bn")->result.scale);
        const CheckpointTensor* zeroPoint = find(tensors, "conv.activation_post_process.zero_point");
        QVERIFY(zeroPoint->isInt);
        QCOMPARE(zeroPoint->ints, std::vector<int32_t>{0});
        const CheckpointTensor* minVal = find(tensors, "add.activation_post_process.activation_post_process.min_val");
        QCOMPARE(minVal->shape, std::vector<int64_t>{}); // 0-d, like PyTorch's per-tensor observers
        // The range PyTorch's observer turns back into the exported scale: symmetric +-127.5 scale.
        const float addScale = r.point("add")->result.scale.at(0);
        // (up to the few ulps that make the float32 division come out exact)
        QVERIFY(std::abs(double(minVal->floats[0]) + 127.5 * double(addScale)) <= 1e-6 * 127.5 * double(addScale));
        QVERIFY(minVal->floats[0] < 0 && find(tensors, "add.activation_post_process.activation_post_process.max_val")
                                                 ->floats[0] == -minVal->floats[0]);
        const CheckpointTensor* weightScale = find(tensors, "conv.weight_fake_quant.scale");
        QCOMPARE(weightScale->shape, std::vector<int64_t>{4});
        QCOMPARE(weightScale->floats, r.weights.at(0).result.scale);
        const CheckpointTensor* weightMax = find(tensors, "conv.weight_fake_quant.activation_post_process.max_val");
        QCOMPARE(weightMax->shape, std::vector<int64_t>{4});
        QCOMPARE(find(tensors, "conv.weight_fake_quant.activation_post_process.min_vals")->floats,
                 find(tensors, "conv.weight_fake_quant.activation_post_process.min_val")->floats);

        // Points kept in float are left out; affine points carry their zero point.
        CalibrationConfig c = inplaceConfig();
        c.overrides["relu"].keepFloat = true;
        c.overrides["cat"].spec.dtype = obs::DType::QUInt8;
        c.overrides["cat"].spec.qscheme = obs::QScheme::PerTensorAffine;
        const CalibrationResult tuned = runCalibration(c);
        const std::vector<CheckpointTensor> some = checkpointTensors(tuned);
        QCOMPARE(some.size(), tensors.size() - 4);
        QVERIFY(!find(some, "relu.activation_post_process.scale"));
        QCOMPARE(find(some, "cat.activation_post_process.zero_point")->ints, int32s(tuned.point("cat")->result.zeroPoint));
        QVERIFY(tuned.point("cat")->result.zeroPoint.at(0) > 0);
    }

    void exportedRangesGiveTheScaleBack()
    {
        // Every point of a calibration (symmetric, affine, per-channel): PyTorch's
        // calculate_qparams on the exported min/max is the exported scale and zero point.
        CalibrationConfig c = inplaceConfig();
        c.overrides["cat"].spec.dtype = obs::DType::QUInt8;
        c.overrides["cat"].spec.qscheme = obs::QScheme::PerTensorAffine;
        c.overrides["add"].name = "percentile";
        const CalibrationResult r = runCalibration(c);
        const std::vector<CheckpointTensor> tensors = checkpointTensors(r);
        int checked = 0;
        for (const CheckpointTensor& t : tensors) {
            const std::string suffix = ".scale";
            if (t.key.size() < suffix.size() || t.key.compare(t.key.size() - suffix.size(), suffix.size(), suffix) != 0)
                continue;
            const std::string prefix = t.key.substr(0, t.key.size() - suffix.size());
            const std::string owner = prefix.substr(0, prefix.rfind('.'));
            const bool weight = prefix.find(".weight_fake_quant") != std::string::npos;
            const obs::QuantSpec spec = weight ? r.weights.at(0).config.spec
                                               : r.point(owner == "conv" ? "bn" : owner)->config.spec;
            const auto* minVal = find(tensors, prefix + ".activation_post_process.min_val");
            const auto* maxVal = find(tensors, prefix + ".activation_post_process.max_val");
            const auto* zeroPoint = find(tensors, prefix + ".zero_point");
            QVERIFY(minVal && maxVal && zeroPoint);
            const obs::QParams back = obs::calculateQParams(minVal->floats, maxVal->floats, spec);
            QCOMPARE(back.scale, t.floats);
            QCOMPARE(int32s(back.zeroPoint), zeroPoint->ints);
            ++checked;
        }
        QCOMPARE(checked, 6);
        QVERIFY(r.point("cat")->result.zeroPoint.at(0) != 0);

        // Scales from every corner of float32 and both schemes invert exactly.
        obs::QuantSpec symmetric;
        obs::QuantSpec affine;
        affine.dtype = obs::DType::QUInt8;
        affine.qscheme = obs::QScheme::PerTensorAffine;
        int inverted = 0;
        for (float s = 1.1920929e-07f * 3; s < 1e4f; s *= 1.37f) {
            for (const auto& [spec, zp] : {std::pair{symmetric, int64_t(0)}, std::pair{affine, int64_t(0)},
                                           std::pair{affine, int64_t(37)}, std::pair{affine, int64_t(255)}}) {
                float lo = 0, hi = 0;
                if (!survivingRange(s, zp, spec, lo, hi))
                    continue;
                float back = 0;
                int64_t z = -1;
                obs::calculateQParams(lo, hi, spec, back, z);
                QCOMPARE(back, s);
                QCOMPARE(z, zp);
                ++inverted;
            }
        }
        QVERIFY2(inverted > 200, qPrintable(QString::number(inverted)));
    }

    void qatModesSetKeysAndWeightScales()
    {
        const CalibrationResult r = runCalibration(inplaceConfig());
        QVERIFY(qatModesDiffer(r));
        const auto keys = [](const std::vector<CheckpointTensor>& tensors) {
            std::vector<std::string> k;
            for (const CheckpointTensor& t : tensors)
                k.push_back(t.key);
            return k;
        };
        const std::vector<CheckpointTensor> fused = checkpointTensors(r, QatMode::FuseBn);
        const std::vector<CheckpointTensor> reverse = checkpointTensors(r, QatMode::WithBnReverseFold);
        const std::vector<CheckpointTensor> withBn = checkpointTensors(r, QatMode::WithBn);
        // with_bn_reverse_fold: ConvBn2d at the conv, quantizing the folded weight.
        QCOMPARE(keys(reverse), keys(fused));
        for (size_t i = 0; i < fused.size(); ++i)
            QCOMPARE(reverse[i].floats, fused[i].floats);
        // with_bn: the point after BN is the bn module's; the weight scales are the conv's own.
        QVERIFY(find(withBn, "bn.activation_post_process.scale") && !find(withBn, "conv.activation_post_process.scale"));
        QCOMPARE(find(withBn, "bn.activation_post_process.scale")->floats, r.point("bn")->result.scale);
        const WeightCalibration& w = r.weights.at(0);
        const obs::QParams own = obs::calculateQParams(w.unfolded.min, w.unfolded.max, w.config.spec);
        QCOMPARE(find(withBn, "conv.weight_fake_quant.scale")->floats, own.scale);
        QVERIFY(own.scale != w.result.scale);
        QCOMPARE(find(fused, "conv.weight_fake_quant.scale")->floats, w.result.scale);
        QCOMPARE(withBn.size(), fused.size());

        // Without a folded batch norm (per-op points) the modes are one.
        CalibrationConfig perOp = inplaceConfig();
        perOp.mode = PointMode::PerOp;
        const CalibrationResult plain = runCalibration(perOp);
        QVERIFY(!qatModesDiffer(plain));
        QCOMPARE(keys(checkpointTensors(plain, QatMode::WithBn)), keys(checkpointTensors(plain, QatMode::FuseBn)));

        // A weight observer that needs the whole unfolded weight cannot be re-run on its range.
        CalibrationConfig mse = inplaceConfig();
        mse.weight.name = "mse";
        QVERIFY_THROWS_EXCEPTION(CalibError, checkpointTensors(runCalibration(mse), QatMode::WithBn));
        QCOMPARE(checkpointTensors(runCalibration(mse), QatMode::FuseBn).size(), fused.size());

        // The qconfig names the mode and the observer settings; reading it back notes nothing.
        const std::string text = formatQconfig(r, QatMode::WithBn);
        const QJsonObject qat =
            QJsonDocument::fromJson(QByteArray::fromStdString(text)).object().value(QStringLiteral("qat")).toObject();
        QCOMPARE(qat.value(QStringLiteral("mode")).toString(), QStringLiteral("with_bn"));
        QCOMPARE(qat.value(QStringLiteral("modes_differ")).toBool(), true);
        QCOMPARE(qat.value(QStringLiteral("activation")).toObject().value(QStringLiteral("averaging_constant")).toDouble(-1), 0.0);
        QCOMPARE(qat.value(QStringLiteral("weight")).toObject().value(QStringLiteral("averaging_constant")).toDouble(-1), 1.0);
        QVERIFY(qat.value(QStringLiteral("note")).toString().contains(QStringLiteral("starting point")));
        const QconfigFile back = parseQconfig(text, "q.json");
        QVERIFY(back.notes.empty());
        QCOMPARE(parseQatMode("with_bn_reverse_fold"), std::optional<QatMode>(QatMode::WithBnReverseFold));
        QVERIFY(!parseQatMode("fold"));
    }

    void savedFileReadsBack()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("c.pt")).toStdString();
        const CalibrationResult r = runCalibration(inplaceConfig());
        saveCheckpoint(r, path);
        const std::vector<CheckpointTensor> back = loadCheckpoint(path);
        const std::vector<CheckpointTensor> expected = checkpointTensors(r);
        QCOMPARE(back.size(), expected.size());
        for (size_t i = 0; i < back.size(); ++i) {
            QCOMPARE(back[i].key, expected[i].key);
            QCOMPARE(back[i].shape, expected[i].shape);
            QCOMPARE(back[i].isInt, expected[i].isInt);
            QCOMPARE(back[i].floats, expected[i].floats);
            QCOMPARE(back[i].ints, expected[i].ints);
        }
        QVERIFY(writeAll(dir.filePath(QStringLiteral("junk.pt")), "not a pickle"));
        QVERIFY_THROWS_EXCEPTION(CalibError, loadCheckpoint(dir.filePath(QStringLiteral("junk.pt")).toStdString()));
    }

    void failedWriteKeepsThePreviousFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.pt"));
        saveCheckpoint(runCalibration(inplaceConfig()), path.toStdString());
        const QByteArray before = readAll(path);
        CalibrationConfig c = inplaceConfig();
        c.activation.name = "percentile";
        const CalibrationResult other = runCalibration(c);
        injectWriteFailureForTesting(64);
        QVERIFY_THROWS_EXCEPTION(CalibError, saveCheckpoint(other, path.toStdString()));
        QCOMPARE(readAll(path), before);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("c.pt")});
        saveCheckpoint(other, path.toStdString());
        QVERIFY(readAll(path) != before);
    }

    void pytorchQatModelLoadsTheCheckpoint()
    {
        QTemporaryDir dir;
        const CalibrationResult r = runCalibration(qatConfig());
        // The QAT-style model: input, conv+bn+relu fused at relu, pooling, fc.
        QVERIFY(r.point("relu") && r.point("fc") && r.points.size() == 4);
        QCOMPARE(r.model.ops.at(0).kind, std::string("input"));
        QCOMPARE(r.model.find("conv")->fusedInto, std::string("relu"));
        const QString checkpoint = dir.filePath(QStringLiteral("qat.pt"));
        const QString qconfig = dir.filePath(QStringLiteral("qat.json"));
        saveCheckpoint(r, checkpoint.toStdString());
        saveQconfig(r, qconfig.toStdString());
        const Run py = python(QStringLiteral("check_checkpoint.py"),
                              {QString::fromStdString(kModels), checkpoint, qconfig, QStringLiteral("16")});
        qInfo("%s", qPrintable(py.out));
        QCOMPARE(py.exitCode, 0);
        QVERIFY(py.out.contains(QStringLiteral("PASS")));
    }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"

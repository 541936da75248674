// The checkpoint: keys and tensors as FORMATS.md lays them out, read back by LibTorch and by
// Python's torch.load into an eager-mode QAT model (tests/export/check_checkpoint.py).
#include "export_test_utils.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/exchange/checkpoint.h"
#include "core/exchange/qconfig.h"

#include <QDir>
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
        QCOMPARE(minVal->floats, r.point("add")->result.min);
        QVERIFY(minVal->floats[0] < 0 && find(tensors, "add.activation_post_process.activation_post_process.max_val")
                                                 ->floats[0] > minVal->floats[0]);
        const CheckpointTensor* weightScale = find(tensors, "conv.weight_fake_quant.scale");
        QCOMPARE(weightScale->shape, std::vector<int64_t>{4});
        QCOMPARE(weightScale->floats, r.weights.at(0).result.scale);
        const CheckpointTensor* weightMax = find(tensors, "conv.weight_fake_quant.activation_post_process.max_val");
        QCOMPARE(weightMax->shape, std::vector<int64_t>{4});
        QCOMPARE(weightMax->floats, r.weights.at(0).result.max);
        QCOMPARE(find(tensors, "conv.weight_fake_quant.activation_post_process.min_vals")->floats, r.weights.at(0).result.min);

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

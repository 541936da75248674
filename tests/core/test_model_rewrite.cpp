// The graph rewrites the instrumented and quantized models share: the same points in both
// (bfloat16 ones too), and models given input they do not accept fail with one clean line
// instead of crashing inside LibTorch.
#include "core_test_support.h"
#include "core/calibration.h"
#include "core/errors.h"
#include "core/evaluation.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/model/quantized_model.h"
#include "core/dataset/dataset_source.h"
#include "core/exchange/fakequant_export.h"
#include "core/quant_plan.h"
#include "../dataset/dataset_test_utils.h"
#include "../process_test_support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace cs;

namespace {

const std::string kModels = CALIBSCOPE_TEST_MODELS_DIR;

// A .npy of `shape` filled with 0.5.
void writeNpy(const QString& path, const std::vector<int64_t>& shape)
{
    int64_t count = 1;
    for (auto d : shape)
        count *= d;
    cs::test::writeNpy(path, std::vector<float>(size_t(count), 0.5f), shape);
}

using Run = cs::test::ProcessRun;

Run cli(const QStringList& arguments) { return cs::test::runCli(arguments); }

QString shapeErrorOf(const std::string& model, const std::vector<int64_t>& shape)
{
    ModelGraph graph(model);
    return cs::testing::calibErrorOf([&] { graph.inferShapes(shape); });
}

} // namespace

class TestModelRewrite : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bf16PointsCalibrateAndEvaluate()
    {
        CalibrationConfig c;
        c.modelPath = kModels + "/bf16_scripted.pt";
        c.data.path = kModels + "/bf16_input.npy";
        c.batchSize = 16;
        c.threads = 1;
        const CalibrationResult calibration = runCalibration(c);
        ModelGraph graph(c.modelPath);
        graph.inferShapes({1, 3, 8, 8});
        int bf16Points = 0;
        for (const auto& p : calibration.points) {
            const OpInfo* op = graph.summary().find(p.name);
            QVERIFY2(op, p.name.c_str());
            if (op->dtype == "bfloat16")
                ++bf16Points;
        }
        QVERIFY(bf16Points >= 2); // the cast to bfloat16, sigmoid, mul
        QVERIFY(calibration.point("sigmoid"));
        QVERIFY(calibration.point("sigmoid")->result.scale.size() == 1);
        const auto& mul = calibration.point("mul")->result; // 2 * sigmoid, in bfloat16
        QVERIFY(mul.min.at(0) >= 0.0f && mul.max.at(0) <= 2.0f && mul.max.at(0) > mul.min.at(0));

        EvaluationConfig e;
        e.data = c.data;
        e.batchSize = 16;
        e.sensitivity = false;
        e.accuracyTable = false;
        const EvaluationResult r = runEvaluation(calibration, e); // threw "point order differs"
        QVERIFY(r.batches > 0);
    }

    void bf16PointsAreTheSameInBothGraphs()
    {
        ModelGraph graph(kModels + "/bf16_scripted.pt");
        graph.inferShapes({2, 3, 8, 8});
        InstrumentedModel instrumented(graph);
        QuantPlan plan;
        for (const auto& p : instrumented.points()) {
            FakeQuantParams q;
            q.scale = {0.05f};
            q.zeroPoint = {0};
            plan.activations[p.name] = q;
        }
        QuantizedModel quantized(graph, plan);
        QCOMPARE(quantized.points().size(), instrumented.points().size());
        for (size_t i = 0; i < instrumented.points().size(); ++i)
            QCOMPARE(quantized.points()[i].name, instrumented.points()[i].name);
        const std::vector<float> x(2 * 3 * 8 * 8, 0.25f);
        const BatchOutput out = quantized.forward(x.data(), {2, 3, 8, 8});
        QCOMPARE(out.shape, (std::vector<int64_t>{2, 3}));
        QTemporaryDir dir;
        quantized.save(dir.filePath(QStringLiteral("q.pt")).toStdString());
    }

    // A TransformerEncoder's and a torchvision VisionTransformer's compute sits in branches
    // that freezing keeps (fast-path checks on autograd and flags, MultiheadAttention's
    // batched/unbatched paths on the input's rank); the graph specialized on the input lists
    // the decomposed path's ops as points, every conv/linear (the packed in-projection too) a
    // weight point, observed with the values eager PyTorch computes on that path.
    void branchOpsArePoints_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("reference");
        QTest::addColumn<std::vector<int64_t>>("shape");
        QTest::addColumn<int>("refOps");
        QTest::addColumn<int>("weightPoints");
        // Per layer: in-projection, 2 bmm, softmax, out-projection, 2 feed-forward linears.
        QTest::addRow("TransformerEncoder") << QStringLiteral("transformer_scripted.pt")
                                            << QStringLiteral("transformer_reference.json")
                                            << std::vector<int64_t>{8, 6, 16} << 14 << 8;
        // conv_proj, per layer the same 7, the head.
        QTest::addRow("VisionTransformer") << QStringLiteral("vit_scripted.pt") << QStringLiteral("vit_reference.json")
                                           << std::vector<int64_t>{4, 3, 32, 32} << 16 << 10;
    }
    void branchOpsArePoints()
    {
        QFETCH(QString, model);
        QFETCH(QString, reference);
        QFETCH(std::vector<int64_t>, shape);
        QFETCH(int, refOps);
        QFETCH(int, weightPoints);
        QFile file(QString::fromStdString(kModels) + QLatin1Char('/') + reference);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject ref = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray ops = ref.value(QStringLiteral("ops")).toArray();
        QCOMPARE(ops.size(), refOps);
        std::vector<float> input, output;
        for (const auto& v : ref.value(QStringLiteral("input")).toArray())
            input.push_back(float(v.toDouble()));
        for (const auto& v : ref.value(QStringLiteral("output")).toArray())
            output.push_back(float(v.toDouble()));
        const std::string modelPath = kModels + "/" + model.toStdString();

        // Deployment mode (the default) lists every conv/linear as a weight point.
        {
            ModelGraph graph(modelPath);
            graph.inferShapes(shape);
            int weights = 0;
            for (const OpInfo& op : graph.summary().ops)
                weights += op.hasWeightPoint() ? 1 : 0;
            QCOMPARE(weights, weightPoints);
        }

        ModelGraph graph(modelPath, PointMode::PerOp);
        graph.inferShapes(shape);
        const auto& summary = graph.summary().ops;
        static const std::set<std::string> kinds{"aten::linear", "aten::bmm", "aten::softmax", "aten::conv2d"};
        std::vector<size_t> listed;
        for (size_t i = 0; i < summary.size(); ++i) {
            QVERIFY2(summary[i].kind.find("_transformer_encoder_layer_fwd") == std::string::npos, summary[i].name.c_str());
            QVERIFY2(summary[i].kind.find("_native_multi_head_attention") == std::string::npos, summary[i].name.c_str());
            if (kinds.count(summary[i].kind))
                listed.push_back(i);
        }
        std::string names;
        for (size_t i : listed)
            names += summary[i].name + ' ';
        QVERIFY2(listed.size() == size_t(ops.size()), names.c_str());

        struct MinMax final : TapHandler {
            std::map<int, std::pair<float, float>> range;
            void observe(int point, const obs::TensorView& x) override
            {
                const auto [lo, hi] = std::minmax_element(x.data, x.data + x.numel());
                range[point] = {*lo, *hi};
            }
        } handler;
        InstrumentedModel instrumented(graph);
        const BatchOutput out = instrumented.forward(input.data(), shape, handler, TapMode::Observe);
        QCOMPARE(out.data.size(), output.size());
        for (size_t i = 0; i < output.size(); ++i)
            QVERIFY2(std::abs(out.data[i] - output[i]) <= 1e-5f, qPrintable(QString::number(i)));
        std::map<size_t, int> pointOf;
        for (size_t p = 0; p < instrumented.points().size(); ++p)
            pointOf[size_t(instrumented.points()[p].opIndex)] = int(p);
        for (size_t k = 0; k < listed.size(); ++k) {
            const OpInfo& op = summary[listed[k]];
            const QJsonObject r = ops[int(k)].toObject();
            QCOMPARE(QString::fromStdString(op.kind), r.value(QStringLiteral("kind")).toString());
            if (op.kind == "aten::linear" || op.kind == "aten::conv2d")
                QVERIFY2(op.hasWeightPoint(), op.name.c_str());
            QVERIFY2(pointOf.count(listed[k]), op.name.c_str());
            const auto range = handler.range.at(pointOf.at(listed[k]));
            const float refMin = float(r.value(QStringLiteral("min")).toDouble());
            const float refMax = float(r.value(QStringLiteral("max")).toDouble());
            QVERIFY2(std::abs(range.first - refMin) <= 1e-5f * std::max(1.0f, std::abs(refMin)), op.name.c_str());
            QVERIFY2(std::abs(range.second - refMax) <= 1e-5f * std::max(1.0f, std::abs(refMax)), op.name.c_str());
        }

        // The quantized model has the same points; with none quantized it is the float model.
        QuantizedModel quantized(graph, QuantPlan{});
        QCOMPARE(quantized.points().size(), instrumented.points().size());
        for (size_t i = 0; i < instrumented.points().size(); ++i)
            QCOMPARE(quantized.points()[i].name, instrumented.points()[i].name);
        const BatchOutput q = quantized.forward(input.data(), shape);
        for (size_t i = 0; i < output.size(); ++i)
            QVERIFY2(std::abs(q.data[i] - output[i]) <= 1e-5f, qPrintable(QString::number(i)));
    }

    // The fake-quantized export of a transformer, run by PyTorch alone, equals calibscope's
    // quantized forward: every point inside the specialized branches is quantized in both.
    void transformerExportRunsInPython_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("data");
        QTest::addRow("TransformerEncoder") << QStringLiteral("transformer_scripted.pt")
                                            << QStringLiteral("transformer_input.npy");
        QTest::addRow("VisionTransformer") << QStringLiteral("vit_scripted.pt") << QStringLiteral("vit_input.npy");
    }
    void transformerExportRunsInPython()
    {
        QFETCH(QString, model);
        QFETCH(QString, data);
        CalibrationConfig c;
        c.modelPath = kModels + "/" + model.toStdString();
        c.data.path = kModels + "/" + data.toStdString();
        c.batchSize = 4;
        c.numBatches = -1;
        c.threads = 1;
        const CalibrationResult r = runCalibration(c);
        int linears = 0;
        for (const auto& op : r.model.ops)
            linears += op.kind == "aten::linear" && op.hasWeightPoint() ? 1 : 0;
        QVERIFY(linears >= 8);

        QTemporaryDir dir;
        const QString fq = dir.filePath(QStringLiteral("fq.pt"));
        saveFakeQuantModel(r, c.modelPath, fq.toStdString());
        const std::unique_ptr<DatasetSource> source = openDataset(c.data);
        std::vector<int64_t> shape = source->sampleShape();
        shape.insert(shape.begin(), source->size());
        std::vector<float> input(size_t(source->size() * source->sampleNumel()));
        for (int64_t i = 0; i < source->size(); ++i)
            source->readSample(i, input.data() + i * source->sampleNumel());
        ModelGraph graph(c.modelPath, r.config.mode);
        graph.inferShapes(r.model.inputShape);
        QuantizedModel quantized(graph, planFromCalibration(r));
        const BatchOutput out = quantized.forward(input.data(), shape);
        const QString inputPath = dir.filePath(QStringLiteral("input.npy"));
        const QString expectedPath = dir.filePath(QStringLiteral("expected.npy"));
        cs::test::writeNpy(inputPath, input, shape);
        cs::test::writeNpy(expectedPath, out.data, out.shape);
        const Run py = cs::test::runProcess(
            QStringLiteral(CALIBSCOPE_PYTHON),
            {QStringLiteral(CALIBSCOPE_SOURCE_DIR "/tests/python/check_fakequant_npy.py"), fq, inputPath, expectedPath,
             QString::number(int(r.points.size())), QStringLiteral("1e-5")});
        qInfo("%s", qPrintable(py.out.trimmed()));
        QVERIFY2(py.exitCode == 0, qPrintable(cs::test::describe(py)));
    }

    void wrongInputShapesAreErrors_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<std::vector<int64_t>>("shape");
        QTest::addColumn<QString>("torchMessage");
        const QString resnet = QStringLiteral("resnet18_scripted.pt");
        QTest::addRow("rank 1") << resnet << std::vector<int64_t>{5} << QStringLiteral("conv2d");
        QTest::addRow("rank 2") << resnet << std::vector<int64_t>{4, 5} << QStringLiteral("conv2d");
        QTest::addRow("channels") << resnet << std::vector<int64_t>{1, 5, 32, 32}
                                  << QStringLiteral("expected input[1, 5, 32, 32] to have 3 channels");
        QTest::addRow("5-D") << resnet << std::vector<int64_t>{1, 3, 2, 32, 32} << QStringLiteral("conv2d");
        QTest::addRow("scalar") << resnet << std::vector<int64_t>{} << QStringLiteral("conv2d");
        QTest::addRow("traced rank 2") << QStringLiteral("resnet18_traced.pt") << std::vector<int64_t>{4, 5}
                                       << QStringLiteral("Expected 4-dimensional input");
        QTest::addRow("helper method") << QStringLiteral("helper_scripted.pt") << std::vector<int64_t>{1, 3, 8, 8}
                                       << QStringLiteral("shape '[7, -1, 13]' is invalid");
        QTest::addRow("transformer features") << QStringLiteral("transformer_scripted.pt")
                                              << std::vector<int64_t>{2, 6, 5}
                                              << QStringLiteral("expecting embedding dimension of 16, but got 5");
        QTest::addRow("transformer rank 1") << QStringLiteral("transformer_scripted.pt") << std::vector<int64_t>{16}
                                            << QString();
    }
    void wrongInputShapesAreErrors()
    {
        QFETCH(QString, model);
        QFETCH(std::vector<int64_t>, shape);
        QFETCH(QString, torchMessage);
        const QString message = shapeErrorOf(kModels + "/" + model.toStdString(), shape);
        QVERIFY2(!message.isEmpty(), "expected an error");
        QVERIFY2(message.contains(QString::fromStdString("input of shape " + shapeToString(shape))), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("The following operation failed")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("INTERNAL ASSERT")), qPrintable(message));
        QVERIFY2(message.contains(torchMessage), qPrintable(message));
        if (model.startsWith(QStringLiteral("resnet18"))) // the first conv's weight tells
            QVERIFY2(message.contains(QStringLiteral("expects [N, 3, H, W]")), qPrintable(message));
    }

    void wrongBatchShapeInTheForwardIsAnError()
    {
        ModelGraph graph(kModels + "/resnet18_scripted.pt");
        graph.inferShapes({1, 3, 32, 32});
        InstrumentedModel model(graph);
        struct None final : TapHandler {
            void observe(int, const obs::TensorView&) override {}
        } none;
        const std::vector<float> x(8, 0.0f);
        try {
            model.forward(x.data(), {4, 2}, none, TapMode::Observe);
            QFAIL("expected an error");
        } catch (const CalibError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(QStringLiteral("[4, 2]")), e.what());
            QVERIFY2(message.contains(QStringLiteral("[1, 3, 32, 32]")), e.what());
            QVERIFY2(message.contains(QStringLiteral("conv2d")), e.what());
            QVERIFY2(!message.contains(QLatin1Char('\n')), e.what());
        }
    }

    void cliCalibrateAndInspectExitOne()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("x.npy"));
        writeNpy(data, {8, 5});
        const QString resnet = QString::fromStdString(kModels + "/resnet18_scripted.pt");
        const Run calibrate = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), resnet, QStringLiteral("--data"),
                                   data, QStringLiteral("--session"), dir.filePath(QStringLiteral("s.cscope"))});
        QCOMPARE(calibrate.exitCode, 1);
        QVERIFY2(calibrate.err.trimmed().count(QLatin1Char('\n')) == 0, qPrintable(calibrate.err));
        QVERIFY2(calibrate.err.contains(QStringLiteral("[1, 5]")), qPrintable(calibrate.err));
        QVERIFY2(calibrate.err.contains(QStringLiteral("conv2d")), qPrintable(calibrate.err));

        const Run inspect = cli({QStringLiteral("inspect"), QStringLiteral("--model"), resnet,
                                 QStringLiteral("--input-shape"), QStringLiteral("4,5")});
        QCOMPARE(inspect.exitCode, 1);
        QVERIFY2(inspect.err.trimmed().count(QLatin1Char('\n')) == 0, qPrintable(inspect.err));
        QVERIFY2(inspect.err.contains(QStringLiteral("[4, 5]")), qPrintable(inspect.err));

        const Run helper = cli({QStringLiteral("inspect"), QStringLiteral("--model"),
                                QString::fromStdString(kModels + "/helper_scripted.pt"), QStringLiteral("--input-shape"),
                                QStringLiteral("1,3,8,8")});
        QCOMPARE(helper.exitCode, 1);
        QVERIFY2(helper.err.contains(QStringLiteral("is invalid for input of size")), qPrintable(helper.err));
    }
};


QTEST_GUILESS_MAIN(TestModelRewrite)
#include "test_model_rewrite.moc"

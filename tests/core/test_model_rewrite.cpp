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
    try {
        graph.inferShapes(shape);
    } catch (const CalibError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
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

    // The encoder's compute sits in branches that freezing keeps (fast-path checks on the
    // input and on autograd); the specialized graph lists the decomposed path's ops as points,
    // observed with the values eager PyTorch computes on that path.
    void transformerBranchOpsArePoints()
    {
        QFile file(QString::fromStdString(kModels + "/transformer_reference.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject ref = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray allRefOps = ref.value(QStringLiteral("ops")).toArray();
        QCOMPARE(allRefOps.size(), 14); // per layer: in/out projection, 2 bmm, softmax, 2 feed-forward
        // The packed in-projection stays inside MultiheadAttention's branch on the input's rank
        // (`query is key` holds only for batched input), which the graph does not specialize.
        QJsonArray refOps;
        for (const auto& op : allRefOps)
            if (!op.toObject().value(QStringLiteral("weight")).toString().endsWith(QStringLiteral("in_proj_weight")))
                refOps.append(op);
        std::vector<float> input, output;
        for (const auto& v : ref.value(QStringLiteral("input")).toArray())
            input.push_back(float(v.toDouble()));
        for (const auto& v : ref.value(QStringLiteral("output")).toArray())
            output.push_back(float(v.toDouble()));
        QCOMPARE(refOps.size(), 12);

        ModelGraph graph(kModels + "/transformer_scripted.pt", PointMode::PerOp);
        const std::vector<int64_t> shape{8, 6, 16};
        graph.inferShapes(shape);
        const auto& ops = graph.summary().ops;
        std::vector<size_t> listed;
        for (size_t i = 0; i < ops.size(); ++i) {
            QVERIFY2(ops[i].kind.find("_transformer_encoder_layer_fwd") == std::string::npos, ops[i].name.c_str());
            if (ops[i].kind == "aten::linear" || ops[i].kind == "aten::bmm" || ops[i].kind == "aten::softmax")
                listed.push_back(i);
        }
        std::string kinds;
        for (size_t i : listed)
            kinds += ops[i].name + ' ';
        QVERIFY2(listed.size() == size_t(refOps.size()), kinds.c_str());

        struct MinMax final : TapHandler {
            std::map<int, std::pair<float, float>> range;
            void observe(int point, const obs::TensorView& x) override
            {
                const auto [lo, hi] = std::minmax_element(x.data, x.data + x.numel());
                range[point] = {*lo, *hi};
            }
        } handler;
        InstrumentedModel model(graph);
        const BatchOutput out = model.forward(input.data(), shape, handler, TapMode::Observe);
        QCOMPARE(out.data.size(), output.size());
        for (size_t i = 0; i < output.size(); ++i)
            QVERIFY2(std::abs(out.data[i] - output[i]) <= 1e-5f, qPrintable(QString::number(i)));
        std::map<size_t, int> pointOf;
        for (size_t p = 0; p < model.points().size(); ++p)
            pointOf[size_t(model.points()[p].opIndex)] = int(p);
        for (size_t k = 0; k < listed.size(); ++k) {
            const OpInfo& op = ops[listed[k]];
            const QJsonObject r = refOps[int(k)].toObject();
            QCOMPARE(QString::fromStdString(op.kind), r.value(QStringLiteral("kind")).toString());
            if (op.kind == "aten::linear")
                QVERIFY2(op.hasWeightPoint(), op.name.c_str());
            QVERIFY2(pointOf.count(listed[k]), op.name.c_str());
            const auto range = handler.range.at(pointOf.at(listed[k]));
            QVERIFY2(std::abs(range.first - float(r.value(QStringLiteral("min")).toDouble())) <= 1e-5f, op.name.c_str());
            QVERIFY2(std::abs(range.second - float(r.value(QStringLiteral("max")).toDouble())) <= 1e-5f, op.name.c_str());
        }

        // The quantized model has the same points; with none quantized it is the float model.
        QuantizedModel quantized(graph, QuantPlan{});
        QCOMPARE(quantized.points().size(), model.points().size());
        for (size_t i = 0; i < model.points().size(); ++i)
            QCOMPARE(quantized.points()[i].name, model.points()[i].name);
        const BatchOutput q = quantized.forward(input.data(), shape);
        for (size_t i = 0; i < output.size(); ++i)
            QVERIFY2(std::abs(q.data[i] - output[i]) <= 1e-5f, qPrintable(QString::number(i)));
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

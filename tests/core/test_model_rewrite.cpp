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
#include <QTemporaryDir>
#include <QTest>

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
                                              << QStringLiteral("embed_dim 16 didn't match last dim of query 5");
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

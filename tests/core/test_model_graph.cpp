// Op lists of real TorchScript models: the demo (C++ define()), PyTorch-scripted and traced models.
#include "../dataset/dataset_test_utils.h"
#include "core/errors.h"
#include "core/model/model_graph.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace cs;

namespace {

const std::string kModels = CALIBSCOPE_TEST_MODELS_DIR;
const std::string kDemo = std::string(CALIBSCOPE_TEST_DEMO_DIR) + "/demo.pt";

std::vector<std::string> opNames(const ModelSummary& s)
{
    std::vector<std::string> names;
    for (const auto& op : s.ops)
        names.push_back(op.name);
    return names;
}

QString errorOf(const std::string& path)
{
    return cs::testing::calibErrorOf([&] { ModelGraph graph(path); });
}

} // namespace

class TestModelGraph : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void demoOpList()
    {
        ModelGraph graph(kDemo);
        graph.inferShapes(graph.metadataInputShape());
        const auto& s = graph.summary();
        const std::vector<std::string> expected{
            "x", "stem.conv", "stem.bn", "stem.relu", "pool", "stage1.conv", "stage1.bn", "stage1.relu",
            "block1.conv1", "block1.bn1", "block1.relu", "block1.conv2", "block1.bn2", "block1.add",
            "block1.relu:2", "stage2.conv", "stage2.bn", "stage2.relu", "block2.conv1", "block2.bn1",
            "block2.relu", "block2.conv2", "block2.bn2", "block2.add", "block2.relu:2", "avgpool", "flatten", "fc"};
        QCOMPARE(opNames(s), expected);
        QCOMPARE(s.inputShape, (std::vector<int64_t>{1, 1, 28, 28}));
        QCOMPARE(s.find("stem.relu")->shape, (std::vector<int64_t>{1, 16, 28, 28}));
        QCOMPARE(s.find("block2.add")->shape, (std::vector<int64_t>{1, 64, 7, 7}));
        QCOMPARE(s.find("fc")->shape, (std::vector<int64_t>{1, 10}));
        QCOMPARE(s.find("fc")->dtype, std::string("float32"));
        QCOMPARE(s.find("block1.add")->kind, std::string("aten::add"));
        QCOMPARE(s.find("block1.add")->module, std::string("block1"));
        QCOMPARE(s.find("stem.conv")->fusedInto, std::string("stem.relu"));
        QCOMPARE(s.find("block1.conv2")->fusedInto, std::string("block1.bn2"));
        QCOMPARE(s.find("stem.conv")->weightShape, (std::vector<int64_t>{16, 1, 3, 3}));
        QCOMPARE(s.find("flatten")->sharesPointWith, std::string("avgpool"));
        QCOMPARE(s.activationPointCount(), 15);
        QCOMPARE(s.weightPointCount(), 8);
        QVERIFY(s.parameterCount > 80000 && s.parameterCount < 150000);
        QCOMPARE(s.sha256.size(), size_t(64));
    }

    void perOpModeHasNoFusion()
    {
        ModelGraph graph(kDemo, PointMode::PerOp);
        for (const auto& op : graph.summary().ops)
            QVERIFY2(op.fusedInto.empty(), op.name.c_str());
        QCOMPARE(graph.summary().activationPointCount(), 27); // every op but the flatten view
    }

    void scriptedBranchIsFrozenAway()
    {
        ModelGraph graph(kModels + "/flag_scripted.pt");
        const std::vector<std::string> expected{"x", "conv", "bn", "relu", "mul", "adaptive_avg_pool2d",
                                                "flatten", "fc"};
        QCOMPARE(opNames(graph.summary()), expected);
        QCOMPARE(graph.summary().find("relu")->kind, std::string("aten::relu_"));
    }

    void resnet18ScriptedAndTracedAgree()
    {
        ModelGraph scripted(kModels + "/resnet18_scripted.pt");
        ModelGraph traced(kModels + "/resnet18_traced.pt");
        scripted.inferShapes({1, 3, 224, 224});
        const auto& s = scripted.summary();
        QCOMPARE(s.ops.size(), size_t(70));
        for (const char* name : {"conv1", "layer1.0.conv1", "layer1.0.add", "layer1.0.relu:2",
                                 "layer2.0.downsample.0", "layer4.1.relu:2", "fc"})
            QVERIFY2(s.find(name), name);
        QCOMPARE(s.find("layer1.0.add")->kind, std::string("aten::add_"));
        QCOMPARE(s.find("layer1.0.add")->shape, (std::vector<int64_t>{1, 64, 56, 56}));
        QCOMPARE(s.find("layer2.0.downsample.0")->fusedInto, std::string("layer2.0.downsample.1"));
        QCOMPARE(s.activationPointCount(), 40);
        QCOMPARE(s.weightPointCount(), 21);
        QCOMPARE(opNames(traced.summary()), opNames(s));
    }

    void wrongInputShapeNamesBothShapes()
    {
        ModelGraph graph(kDemo);
        try {
            graph.inferShapes({1, 3, 32, 32});
            QFAIL("expected an error");
        } catch (const CalibError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(QStringLiteral("[1, 3, 32, 32]")), e.what());
            QVERIFY2(!message.contains(QLatin1Char('\n')), e.what());
        }
    }

    void badFilesGiveOneLineErrors_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expectedReason");
        QTest::addRow("missing") << QStringLiteral("missing") << QStringLiteral("no such file");
        QTest::addRow("not torchscript") << QStringLiteral("text") << QStringLiteral("not a TorchScript model");
        QTest::addRow("truncated") << QStringLiteral("truncated") << QStringLiteral("not a TorchScript model");
        QTest::addRow("empty") << QStringLiteral("empty") << QStringLiteral("not a TorchScript model");
    }
    void badFilesGiveOneLineErrors()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expectedReason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("model.pt"));
        if (kind == QLatin1String("text")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a model\n");
        } else if (kind == QLatin1String("truncated")) {
            QFile src(QString::fromStdString(kDemo));
            QVERIFY(src.open(QIODevice::ReadOnly));
            const QByteArray bytes = src.readAll();
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes.left(bytes.size() / 2));
        } else if (kind == QLatin1String("empty")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const QString message = errorOf(path.toStdString());
        QVERIFY2(message.startsWith(path + QStringLiteral(": ")), qPrintable(message));
        QVERIFY2(message.contains(expectedReason), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestModelGraph)
#include "test_model_graph.moc"

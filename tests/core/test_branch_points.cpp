// Ops inside branches that depend on the data (`if x.sum() > 0: conv1 else: conv2`) are
// points: listed with the branch in their names, observed on the batches that take their
// branch, quantized in calibscope and in the fake-quantized export; a branch no calibration
// batch takes leaves its points without data, in float, and evaluation still runs.
#include "core_test_support.h"
#include "core/calibration.h"
#include "core/dataset/dataset_source.h"
#include "core/evaluation.h"
#include "core/exchange/fakequant_export.h"
#include "core/model/instrumented_model.h"
#include "core/model/loop_warnings.h"
#include "core/model/model_graph.h"
#include "core/model/quantized_model.h"
#include "core/quant_plan.h"
#include "../process_test_support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace cs;

namespace {

const std::string kThen = "conv1:if0.then";
const std::string kElse = "conv2:if0.else";
const std::string kMean = "mean:if0.else";         // inside the else arm
const std::string kNested = "mul:if0.else.if1.then"; // inside a branch inside the else arm

using Run = cs::test::ProcessRun;

// Samples [first, first + count) of a .npy, as one batch.
std::vector<float> readBatch(const std::string& path, int64_t first, int64_t count, std::vector<int64_t>& shape)
{
    DatasetSpec spec;
    spec.path = path;
    const std::unique_ptr<DatasetSource> source = openDataset(spec);
    shape = source->sampleShape();
    shape.insert(shape.begin(), count);
    std::vector<float> data(size_t(count * source->sampleNumel()));
    for (int64_t i = 0; i < count; ++i)
        source->readSample(first + i, data.data() + i * source->sampleNumel());
    return data;
}

// Which points a forward showed, and their values.
struct Recorder final : TapHandler {
    std::map<int, std::vector<float>> values;
    void observe(int point, const obs::TensorView& x) override
    {
        values[point].assign(x.data, x.data + x.numel());
    }
};

int pointIndex(const std::vector<TapPoint>& points, const std::string& name)
{
    for (size_t i = 0; i < points.size(); ++i)
        if (points[i].name == name)
            return int(i);
    return -1;
}

bool contains(const std::vector<std::string>& lines, const std::string& text)
{
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

} // namespace

class TestBranchPoints : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_model, m_input, m_then;

    CalibrationResult calibrate(const std::string& data) const
    {
        CalibrationConfig c;
        c.modelPath = m_model;
        c.data.path = data;
        c.batchSize = 8;
        c.numBatches = -1;
        c.threads = 1;
        return runCalibration(c);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const Run made = cs::test::runProcess(QStringLiteral(CALIBSCOPE_PYTHON),
                                              {QStringLiteral(CALIBSCOPE_SOURCE_DIR "/tests/python/make_branch_models.py"),
                                               m_dir.path()});
        QVERIFY2(made.exitCode == 0, qPrintable(cs::test::describe(made)));
        m_model = m_dir.filePath(QStringLiteral("branch_scripted.pt")).toStdString();
        m_input = m_dir.filePath(QStringLiteral("branch_input.npy")).toStdString();
        m_then = m_dir.filePath(QStringLiteral("branch_then.npy")).toStdString();
    }

    // Both arms' ops are listed (nested ones too), named by the usual rules plus their branch,
    // the same in every load; both convs are weight points and activation points in both
    // rewrites. The ops of an argument check's raising arm are not.
    void branchOpsAreListed()
    {
        std::vector<std::string> first;
        for (int load = 0; load < 2; ++load) {
            ModelGraph graph(m_model);
            graph.inferShapes({1, 3, 8, 8});
            std::vector<std::string> names;
            for (const OpInfo& op : graph.summary().ops)
                names.push_back(op.name);
            if (load == 0)
                first = names;
            else
                QVERIFY(names == first);
            for (const std::string& conv : {kThen, kElse}) {
                const OpInfo* op = graph.summary().find(conv);
                QVERIFY2(op, conv.c_str());
                QCOMPARE(op->kind, std::string("aten::conv2d"));
                QCOMPARE(op->module, conv.substr(0, 5));
                QVERIFY(op->hasWeightPoint());
                QVERIFY(op->isActivationPoint());
            }
            QVERIFY(graph.summary().find(kMean));
            QVERIFY(graph.summary().find(kNested));
            QVERIFY(graph.summary().find("sum"));
            QVERIFY(graph.summary().find("fc"));
            // The sample (zeros) takes the else arm: its ops have shapes, conv1 has none yet.
            QCOMPARE(graph.summary().find(kElse)->shape, (std::vector<int64_t>{1, 4, 8, 8}));
            QVERIFY(graph.summary().find(kThen)->shape.empty());

            InstrumentedModel instrumented(graph);
            QuantizedModel quantized(graph, QuantPlan{});
            QCOMPARE(quantized.points().size(), instrumented.points().size());
            for (size_t i = 0; i < instrumented.points().size(); ++i)
                QCOMPARE(quantized.points()[i].name, instrumented.points()[i].name);
            for (const std::string& name : {kThen, kElse, kMean, kNested})
                QVERIFY2(pointIndex(instrumented.points(), name) >= 0, name.c_str());
        }
    }

    // Each conv's point sees exactly the batches that took its arm, with the values eager
    // PyTorch's forward hooks see on them.
    void rangesEqualForwardHooks()
    {
        const CalibrationResult r = calibrate(m_input);
        QCOMPARE(r.batches, 4);
        QFile file(m_dir.filePath(QStringLiteral("branch_reference.json")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray reference = QJsonDocument::fromJson(file.readAll()).array();
        QCOMPARE(reference.size(), 4);
        const std::map<std::string, std::string> armOf{{kThen, "then"}, {kElse, "else"}};
        for (const auto& [name, arm] : armOf) {
            const PointCalibration* p = r.point(name);
            QVERIFY2(p, name.c_str());
            const QString module = QString::fromStdString(name.substr(0, 5));
            std::vector<std::pair<double, double>> expected;
            for (const auto& entry : reference)
                if (entry.toObject().value(QStringLiteral("arm")).toString() == QString::fromStdString(arm)) {
                    const QJsonObject range = entry.toObject().value(module).toObject();
                    expected.emplace_back(range.value(QStringLiteral("min")).toDouble(),
                                          range.value(QStringLiteral("max")).toDouble());
                }
            QCOMPARE(expected.size(), size_t(2));
            QCOMPARE(p->stats.batches.size(), expected.size());
            QVERIFY(p->result.hasStatistics);
            double lo = expected[0].first, hi = expected[0].second;
            for (size_t b = 0; b < expected.size(); ++b) {
                QVERIFY2(std::abs(p->stats.batches[b].min - expected[b].first) <= 1e-5, name.c_str());
                QVERIFY2(std::abs(p->stats.batches[b].max - expected[b].second) <= 1e-5, name.c_str());
                lo = std::min(lo, expected[b].first);
                hi = std::max(hi, expected[b].second);
            }
            QVERIFY2(std::abs(p->stats.min - lo) <= 1e-5 && std::abs(p->stats.max - hi) <= 1e-5, name.c_str());
            // min_max is PyTorch's moving-average min/max (averaging constant 0.01) over the
            // batches the point saw: its own arm's two, not the other arm's.
            float emaMin = float(expected[0].first), emaMax = float(expected[0].second);
            for (size_t b = 1; b < expected.size(); ++b) {
                emaMin = emaMin + 0.01f * (float(expected[b].first) - emaMin);
                emaMax = emaMax + 0.01f * (float(expected[b].second) - emaMax);
            }
            QVERIFY2(std::abs(p->result.min.at(0) - emaMin) <= 1e-5 && std::abs(p->result.max.at(0) - emaMax) <= 1e-5,
                     name.c_str());
        }
        std::set<std::string> weights;
        for (const auto& w : r.weights)
            weights.insert(w.name);
        QVERIFY(weights.count(kThen) && weights.count(kElse) && weights.count("fc"));
        // The nested branch runs in both else batches too.
        QCOMPARE(r.point(kNested)->stats.batches.size(), size_t(2));
        QVERIFY(!contains(r.warnings, "no data"));
    }

    // Calibscope's quantized forward quantizes the points inside the arm a batch takes, and
    // the fake-quantized export run by PyTorch alone gives the same output on either arm.
    void exportEqualsQuantizedForward()
    {
        const CalibrationResult r = calibrate(m_input);
        const QuantPlan plan = planFromCalibration(r);
        QVERIFY(plan.activations.count(kThen) && plan.activations.count(kElse) && plan.activations.count(kMean));
        QVERIFY(plan.weights.count(kThen) && plan.weights.count(kElse));
        const QString fq = m_dir.filePath(QStringLiteral("branch_fq.pt"));
        saveFakeQuantModel(r, m_model, fq.toStdString());

        ModelGraph graph(m_model, r.config.mode);
        graph.inferShapes(r.model.inputShape);
        QuantizedModel quantized(graph, plan);
        InstrumentedModel instrumented(graph);
        struct None final : TapHandler {
            void observe(int, const obs::TensorView&) override {}
        } none;
        // Batch 0 takes the then arm, batch 1 the else arm.
        const std::map<int, std::pair<std::string, std::string>> arms{{0, {kThen, kElse}}, {1, {kElse, kThen}}};
        for (const auto& [batch, names] : arms) {
            const auto& [taken, other] = names;
            std::vector<int64_t> shape;
            const std::vector<float> x = readBatch(m_input, 8 * batch, 8, shape);
            Recorder seen;
            const BatchOutput out = quantized.forward(x.data(), shape, &seen);
            const int takenPoint = pointIndex(quantized.points(), taken);
            QVERIFY(seen.values.count(takenPoint));
            QVERIFY(!seen.values.count(pointIndex(quantized.points(), other)));
            // The point's values lie on its grid: it was fake-quantized inside its branch.
            const float scale = plan.activations.at(taken).scale.at(0);
            for (float v : seen.values.at(takenPoint))
                QVERIFY2(std::abs(v / scale - std::round(v / scale)) < 1e-3, taken.c_str());
            const BatchOutput floatOut = instrumented.forward(x.data(), shape, none, TapMode::Float);
            QVERIFY(floatOut.data != out.data);

            const QString inputPath = m_dir.filePath(QStringLiteral("in%1.npy").arg(batch));
            const QString expectedPath = m_dir.filePath(QStringLiteral("expected%1.npy").arg(batch));
            cs::test::writeNpy(inputPath, x, shape);
            cs::test::writeNpy(expectedPath, out.data, out.shape);
            const Run py = cs::test::runProcess(
                QStringLiteral(CALIBSCOPE_PYTHON),
                {QStringLiteral(CALIBSCOPE_SOURCE_DIR "/tests/python/check_fakequant_npy.py"), fq, inputPath,
                 expectedPath, QString::number(int(plan.activations.size())), QStringLiteral("1e-5")});
            qInfo("%s", qPrintable(py.out.trimmed()));
            QVERIFY2(py.exitCode == 0, qPrintable(cs::test::describe(py)));
        }
    }

    // Calibration data that never takes the else arm: its points have no statistics, are
    // flagged, stay float in the plan, and evaluation on data taking both arms still runs.
    void untakenBranchHasNoData()
    {
        const CalibrationResult r = calibrate(m_then);
        for (const std::string& name : {kElse, kMean, kNested}) {
            const PointCalibration* p = r.point(name);
            QVERIFY2(p, name.c_str());
            QVERIFY(p->stats.batches.empty());
            QVERIFY(!p->result.hasStatistics);
        }
        QVERIFY(r.point(kThen)->result.hasStatistics);
        QVERIFY(contains(r.warnings, kElse + ": no data"));
        QVERIFY(!contains(r.warnings, kThen + ": no data"));
        const QuantPlan plan = planFromCalibration(r);
        QVERIFY(plan.activations.count(kThen));
        QVERIFY(!plan.activations.count(kElse) && !plan.activations.count(kMean));
        QVERIFY(plan.weights.count(kElse)); // the weight needs no data

        EvaluationConfig e;
        e.data.path = m_input;
        e.batchSize = 8;
        e.threads = 1;
        e.sensitivity = false;
        e.accuracyTable = false;
        const EvaluationResult ev = runEvaluation(r, e);
        QCOMPARE(ev.batches, 4);
        QCOMPARE(ev.images, int64_t(32));
        QVERIFY(contains(ev.warnings, kElse + ": no calibration data"));
        QVERIFY(!contains(ev.warnings, kThen + ": no calibration data"));
        QVERIFY(std::isfinite(ev.planMetrics.cosine));
        QVERIFY(ev.planMetrics.samples == 32);
        QVERIFY(ev.nonFinite.empty());
        QVERIFY(ev.point(kElse));
    }

    // The CLI says so too: the table, the point's details, and evaluate runs.
    void cliFlagsNoData()
    {
        const QString session = m_dir.filePath(QStringLiteral("then.cscope"));
        const Run calibrate = cs::test::runCli({QStringLiteral("calibrate"), QStringLiteral("--model"),
                                                QString::fromStdString(m_model), QStringLiteral("--data"),
                                                QString::fromStdString(m_then), QStringLiteral("--batch-size"),
                                                QStringLiteral("8"), QStringLiteral("--session"), session,
                                                QStringLiteral("--quiet")});
        QVERIFY2(calibrate.exitCode == 0, qPrintable(cs::test::describe(calibrate)));
        const Run table = cs::test::runCli({QStringLiteral("inspect"), QStringLiteral("--session"), session});
        QVERIFY2(table.exitCode == 0, qPrintable(cs::test::describe(table)));
        bool flagged = false;
        for (const QString& line : table.out.split(QLatin1Char('\n')))
            if (line.startsWith(QString::fromStdString(kElse) + QLatin1Char(' ')))
                flagged = line.contains(QStringLiteral("no data"));
        QVERIFY2(flagged, qPrintable(table.out));
        const Run details = cs::test::runCli({QStringLiteral("inspect"), QStringLiteral("--session"), session,
                                              QStringLiteral("--op"), QString::fromStdString(kElse)});
        QVERIFY2(details.exitCode == 0 && details.out.contains(QStringLiteral("no data")),
                 qPrintable(cs::test::describe(details)));
        const Run evaluate = cs::test::runCli({QStringLiteral("evaluate"), QStringLiteral("--session"), session,
                                               QStringLiteral("--data"), QString::fromStdString(m_input),
                                               QStringLiteral("--batch-size"), QStringLiteral("8"),
                                               QStringLiteral("--no-sensitivity"), QStringLiteral("--no-save")});
        QVERIFY2(evaluate.exitCode == 0, qPrintable(cs::test::describe(evaluate)));
        QVERIFY2(QString(evaluate.out + evaluate.err).contains(QString::fromStdString(kElse + ": no calibration data")),
                 qPrintable(cs::test::describe(evaluate)));
    }
    // A loop body's ops are not points (a body runs any number of times per batch): they are
    // not listed, and inspect and the calibration say which ops that leaves in float.
    void loopOpsAreNamedInAWarning()
    {
        const std::string loopModel = m_dir.filePath(QStringLiteral("loop_scripted.pt")).toStdString();
        ModelGraph graph(loopModel);
        graph.inferShapes({1, 3, 8, 8});
        const std::vector<std::string> lines = loopWarnings(graph);
        QCOMPARE(lines.size(), size_t(1));
        QVERIFY2(contains(lines, "runs 3 ops (aten::mul, aten::sigmoid, aten::add)"), lines.front().c_str());
        QVERIFY(!graph.summary().find("sigmoid"));
        QVERIFY(graph.summary().find("conv") && graph.summary().find("fc"));
        QVERIFY(loopWarnings(ModelGraph(m_model)).empty());

        CalibrationConfig c;
        c.modelPath = loopModel;
        c.data.path = m_input;
        c.batchSize = 8;
        c.numBatches = 2;
        c.threads = 1;
        const CalibrationResult r = runCalibration(c);
        QVERIFY(contains(r.warnings, lines.front()));
        QVERIFY(r.point("fc"));

        const Run inspect = cs::test::runCli({QStringLiteral("inspect"), QStringLiteral("--model"),
                                              QString::fromStdString(loopModel), QStringLiteral("--input-shape"),
                                              QStringLiteral("1,3,8,8")});
        QVERIFY2(inspect.exitCode == 0 && inspect.err.contains(QStringLiteral("not points")),
                 qPrintable(cs::test::describe(inspect)));
    }
};

QTEST_GUILESS_MAIN(TestBranchPoints)
#include "test_branch_points.moc"

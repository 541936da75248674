// Repaired parameters flow wherever a plan flows: calibration observes the model with them,
// the quantized model runs with them (BN-folded in deployment mode, the model's own in per-op
// mode), and a session keeps them with the repairs that made them.
#include "core_test_support.h"
#include "core/calibration.h"
#include "core/errors.h"
#include "core/model/model_graph.h"
#include "core/model/quantized_model.h"
#include "core/quant_plan.h"
#include "core/session.h"

#include <QCborMap>
#include <QCborValue>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace cs;

namespace {

const std::string kModels = CALIBSCOPE_REPAIR_MODELS_DIR;

// PyTorch's fake_quantize_per_tensor_affine on one value.
float fakeQuant(float v, float scale, int64_t zp, int64_t qmin, int64_t qmax)
{
    const float inv = 1.0f / scale;
    const double q = std::clamp<double>(std::nearbyint(double(v * inv)) + double(zp), double(qmin), double(qmax));
    return float((q - double(zp)) * double(scale));
}

std::string convName(const ModelSummary& model)
{
    for (const auto& op : model.ops)
        if (op.hasWeightPoint())
            return op.name;
    return {};
}

} // namespace

class TestRepairPlumbing : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string m_data; // x = 0, 1, 2, 3 (4 samples of 1x1x1)

    CalibrationConfig config(const std::string& model, PointMode mode = PointMode::Deployment) const
    {
        CalibrationConfig c;
        c.modelPath = kModels + "/" + model;
        c.mode = mode;
        c.data.path = m_data;
        c.batchSize = 4;
        c.numBatches = -1;
        c.threads = 1;
        return c;
    }

    static BatchOutput run(const CalibrationConfig& c, const QuantPlan& plan)
    {
        ModelGraph graph(c.modelPath, c.mode);
        QuantizedModel model(graph, plan);
        const std::vector<float> x{0, 1, 2, 3};
        return model.forward(x.data(), {4, 1, 1, 1});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("x.npy")).toStdString();
        cs::test::writeNpy(QString::fromStdString(m_data), {0, 1, 2, 3}, {4, 1, 1, 1});
    }

    // conv weight [1, 2], bias [0, 0] -> bias replaced by [1, -1]: channel 0 is x + 1 (1..4),
    // channel 1 is 2x - 1 (-1..5).
    void replacedBiasIsCalibratedAndQuantized()
    {
        CalibrationConfig c = config("bias_conv.pt");
        const CalibrationResult plain = runCalibration(c);
        const std::string conv = convName(plain.model);
        QVERIFY(!conv.empty());
        const PointCalibration* point = plain.point(conv);
        QVERIFY(point);
        QCOMPARE(point->stats.min, 0.0f);
        QCOMPARE(point->stats.max, 6.0f);

        c.parameters[conv].bias = {1.0f, -1.0f};
        const CalibrationResult repaired = runCalibration(c);
        point = repaired.point(conv);
        QCOMPARE(point->stats.min, -1.0f);
        QCOMPARE(point->stats.max, 5.0f);
        QCOMPARE(point->stats.mean, (2.5 + 2.0) / 2.0);
        // min_max, qint8 per-tensor symmetric: max |x| / 127.5.
        QCOMPARE(point->result.scale.at(0), 5.0f / 127.5f);

        // The plan carries the parameters: with float weights and a float input every output
        // is the repaired conv's value on its activation grid.
        QuantPlan plan = planFromCalibration(repaired);
        QVERIFY(plan.parameters == c.parameters);
        plan.weights.clear();
        const FakeQuantParams convGrid = plan.activations.at(conv);
        plan.activations = {{conv, convGrid}};
        const BatchOutput out = run(c, plan);
        QCOMPARE(out.shape, (std::vector<int64_t>{4, 2}));
        const float scale = point->result.scale.at(0);
        for (int n = 0; n < 4; ++n) {
            QCOMPARE(out.data[size_t(2 * n)], fakeQuant(float(n) + 1.0f, scale, 0, -128, 127));
            QCOMPARE(out.data[size_t(2 * n + 1)], fakeQuant(2.0f * float(n) - 1.0f, scale, 0, -128, 127));
        }
        // Without the parameters the same plan runs the model's own bias.
        plan.parameters.clear();
        const BatchOutput own = run(c, plan);
        QCOMPARE(own.data[1], fakeQuant(0.0f, scale, 0, -128, 127));
        QCOMPARE(own.data[7], fakeQuant(6.0f, scale, 0, -128, 127));
    }

    // Deployment mode: the parameters replace the BN-folded weight and bias; the batch norm
    // leaves the graph.
    void foldedParametersReplaceConvAndBatchNorm()
    {
        CalibrationConfig c = config("bn_conv.pt");
        const std::string conv = convName(runCalibration(c).model);
        LayerParameters p;
        p.weightShape = {2, 1, 1, 1};
        p.weight = {3.0f, -1.0f};
        p.bias = {0.5f, 0.25f};
        c.parameters[conv] = p;
        const CalibrationResult r = runCalibration(c);
        const auto& w = r.weights.at(0);
        QCOMPARE(w.folded.min, (std::vector<float>{3.0f, -1.0f}));
        QCOMPARE(w.folded.max, (std::vector<float>{3.0f, -1.0f}));
        QCOMPARE(w.unfolded.max, (std::vector<float>{1.0f, 2.0f})); // the model's own
        // The point after conv+bn: 3x + 0.5 in 0.5..9.5 and -x + 0.25 in -2.75..0.25.
        const PointCalibration* point = nullptr;
        for (const auto& pc : r.points)
            if (pc.opIndex > w.opIndex && !point)
                point = &pc;
        QVERIFY(point);
        QCOMPARE(point->stats.min, -2.75f);
        QCOMPARE(point->stats.max, 9.5f);

        QuantPlan plan = planFromCalibration(r);
        plan.activations.clear();
        plan.weights.clear();
        const BatchOutput out = run(c, plan);
        for (int n = 0; n < 4; ++n) {
            QCOMPARE(out.data[size_t(2 * n)], 3.0f * float(n) + 0.5f);
            QCOMPARE(out.data[size_t(2 * n + 1)], -float(n) + 0.25f);
        }
        // Weights fake-quantized from the replaced values: per-channel symmetric, |w| on the
        // grid's edge (127 of 127.5 steps).
        plan = planFromCalibration(r);
        plan.activations.clear();
        const BatchOutput q = run(c, plan);
        const float s0 = 3.0f / 127.5f, s1 = 1.0f / 127.5f;
        QCOMPARE(w.result.scale.at(0), s0);
        for (int n = 0; n < 4; ++n) {
            QVERIFY(std::abs(q.data[size_t(2 * n)] - (fakeQuant(3.0f, s0, 0, -128, 127) * float(n) + 0.5f)) < 1e-6f);
            QVERIFY(std::abs(q.data[size_t(2 * n + 1)] - (fakeQuant(-1.0f, s1, 0, -128, 127) * float(n) + 0.25f)) < 1e-6f);
        }
    }

    // Per-op mode: the parameters replace the conv's own weight and bias; the batch norm stays.
    void perOpParametersKeepTheBatchNorm()
    {
        CalibrationConfig c = config("bn_conv.pt", PointMode::PerOp);
        const std::string conv = convName(runCalibration(c).model);
        c.parameters[conv].bias = {1.0f, 0.0f};
        const CalibrationResult r = runCalibration(c);
        QuantPlan plan = planFromCalibration(r);
        plan.activations.clear();
        plan.weights.clear();
        const BatchOutput out = run(c, plan);
        // bn: gamma (y - mean) / sqrt(var + eps) + beta, gamma [2, 0.5], beta [0.25, -0.5],
        // mean [0.5, 1], var [4, 0.25].
        for (int n = 0; n < 4; ++n) {
            const double y0 = n + 1.0, y1 = 2.0 * n;
            QVERIFY(std::abs(out.data[size_t(2 * n)] - (2.0 * (y0 - 0.5) / std::sqrt(4.0 + 1e-5) + 0.25)) < 1e-5);
            QVERIFY(std::abs(out.data[size_t(2 * n + 1)] - (0.5 * (y1 - 1.0) / std::sqrt(0.25 + 1e-5) - 0.5)) < 1e-5);
        }
    }

    void parametersThatDoNotFitAreRefused()
    {
        CalibrationConfig c = config("bias_conv.pt");
        const std::string conv = convName(runCalibration(c).model);
        c.parameters[conv].bias = {1.0f, 2.0f, 3.0f};
        try {
            runCalibration(c);
            QFAIL("three biases for two channels were accepted");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("3 bias values for 2 output channels") != std::string::npos, e.what());
        }
        c.parameters[conv].bias.clear();
        c.parameters[conv].weight = {1.0f, 2.0f};
        c.parameters[conv].weightShape = {1, 2, 1, 1};
        QVERIFY_THROWS_EXCEPTION(CalibError, runCalibration(c));
        c.parameters.clear();
        c.parameters["nothing"].bias = {1.0f};
        QVERIFY_THROWS_EXCEPTION(CalibError, runCalibration(c));
        QuantPlan plan;
        plan.parameters["nothing"].bias = {1.0f};
        ModelGraph graph(c.modelPath, c.mode);
        QVERIFY_THROWS_EXCEPTION(CalibError, QuantizedModel(graph, plan));
    }

    // The session keeps the parameters and the repairs; a repaired session is version 2,
    // an unrepaired one stays version 1 (older calibscope versions read it).
    void sessionRoundTrip()
    {
        CalibrationConfig c = config("bn_conv.pt");
        const std::string conv = convName(runCalibration(c).model);
        c.parameters[conv].weightShape = {2, 1, 1, 1};
        c.parameters[conv].weight = {3.0f, -1.0f};
        c.parameters[conv].bias = {0.5f, 0.25f};
        CalibrationResult r = runCalibration(c);
        r.repairs.push_back({"bias_correction", {{"flavour", "empirical"}}, {"conv: 2 channels corrected"}});
        const std::string path = m_dir.filePath(QStringLiteral("repaired.cscope")).toStdString();
        saveSession(r, ObserverBank(), path);
        const CalibrationResult back = loadSession(path);
        QVERIFY(back.config.parameters == r.config.parameters);
        QCOMPARE(back.repairs.size(), size_t(1));
        QCOMPARE(back.repairs[0].name, std::string("bias_correction"));
        QCOMPARE(back.repairs[0].params.at("flavour"), std::string("empirical"));
        QCOMPARE(back.repairs[0].notes, r.repairs[0].notes);
        QVERIFY(planFromCalibration(back).parameters == c.parameters);

        auto version = [](const std::string& file) {
            QFile f(QString::fromStdString(file));
            if (!f.open(QIODevice::ReadOnly))
                return qint64(-1);
            return QCborValue::fromCbor(f.readAll()).toMap().value(QStringLiteral("version")).toInteger();
        };
        QCOMPARE(version(path), qint64(2));
        const std::string plainPath = m_dir.filePath(QStringLiteral("plain.cscope")).toStdString();
        saveSession(runCalibration(config("bn_conv.pt")), ObserverBank(), plainPath);
        QCOMPARE(version(plainPath), qint64(1));
        QVERIFY(loadSession(plainPath).config.parameters.empty());
        QVERIFY(loadSession(plainPath).repairs.empty());
    }
};

QTEST_GUILESS_MAIN(TestRepairPlumbing)
#include "test_repair_plumbing.moc"

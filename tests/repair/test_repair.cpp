// Each repair does what its formula says on hand-built layers: bias correction puts the
// quantized per-channel output means on the float ones, TI's clipping rule clips exactly its
// outliers, equalization keeps the float output and balances the ranges; the job applies a
// preset, stops on NaN/Inf naming the point, and cancels without changing anything; the job
// of the GUI and the CLI records the plan after each step.
#include "core_test_support.h"
#include "repair_test_support.h"

#include "core/calibration.h"
#include "core/errors.h"
#include "core/model/model_graph.h"
#include "core/model/quantized_model.h"
#include "core/quant_plan.h"
#include "core/repair/plan_search.h"
#include "core/repair/repair.h"
#include "core/repair/repair_job.h"
#include "core/session.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace cs;

namespace {

const std::string kModels = CALIBSCOPE_REPAIR_MODELS_DIR;
// The linear model's input: 64 samples of 1x2x2.
const std::vector<int64_t> kLinearShape{64, 1, 2, 2};

// Per-channel means of every conv/linear output of a quantized (or, with an empty plan,
// float) model.
class Means final : public TapHandler {
public:
    size_t first = 0;
    std::vector<bool> linear;
    std::vector<std::vector<double>> sum;
    std::vector<int64_t> count;
    void observe(int point, const obs::TensorView& x) override
    {
        if (size_t(point) < first)
            return;
        const size_t l = size_t(point) - first;
        const bool lin = linear[l];
        const int64_t c = lin ? x.shape.back() : x.shape[1];
        int64_t inner = 1, outer = x.shape[0];
        if (!lin)
            for (size_t d = 2; d < x.shape.size(); ++d)
                inner *= x.shape[d];
        if (sum[l].empty())
            sum[l].assign(size_t(c), 0.0);
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t k = 0; k < c; ++k)
                for (int64_t i = 0; i < inner; ++i)
                    sum[l][size_t(k)] += x.data[(o * c + k) * inner + i];
        count[l] += outer * inner;
    }
    std::vector<double> mean(size_t l) const
    {
        std::vector<double> m = sum[l];
        for (double& v : m)
            v /= double(count[l]);
        return m;
    }
};

Means layerMeans(const CalibrationConfig& c, const QuantPlan& plan, const std::vector<float>& x,
                 const std::vector<int64_t>& shape)
{
    ModelGraph graph(c.modelPath, c.mode);
    QuantizedModel model(graph, plan, true);
    Means m;
    m.first = model.points().size();
    for (const auto& l : model.layerOutputs())
        m.linear.push_back(graph.summary().ops[size_t(l.opIndex)].kind == "aten::linear");
    m.sum.resize(m.linear.size());
    m.count.assign(m.linear.size(), 0);
    m.first = model.points().size();
    model.forward(x.data(), shape, &m);
    return m;
}

BatchOutput floatOutput(const std::string& model, const LayerParameterMap& parameters, const std::vector<float>& x,
                        const std::vector<int64_t>& shape)
{
    ModelGraph graph(model, PointMode::Deployment);
    QuantPlan plan;
    plan.parameters = parameters;
    QuantizedModel m(graph, plan);
    return m.forward(x.data(), shape);
}

} // namespace

class TestRepair : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string m_linearData; // 64 samples of 1x2x2
    std::vector<float> m_linearValues;
    std::string m_chainData; // 32 samples of 3x8x8
    std::vector<float> m_chainValues;

    CalibrationConfig config(const std::string& model, const std::string& data) const
    {
        CalibrationConfig c;
        c.modelPath = kModels + "/" + model;
        c.data.path = data;
        c.batchSize = 16;
        c.numBatches = -1;
        c.threads = 1;
        return c;
    }

    // The linear model calibrated with coarse 4-bit per-tensor weights, which leave a mean
    // error to correct, and its per-channel output means in float and quantized.
    struct CoarseLinear {
        CalibrationConfig config;
        CalibrationResult calibrated;
        QuantPlan plan;
        Means fp;
        Means before;
    };
    CoarseLinear coarseLinear() const
    {
        CoarseLinear l;
        l.config = config("linear.pt", m_linearData);
        l.config.weight.spec.dtype = obs::DType::QInt4;
        l.config.weight.spec.qscheme = obs::QScheme::PerTensorSymmetric;
        l.config.weight.spec.chAxis = -1;
        l.calibrated = runCalibration(l.config);
        l.plan = planFromCalibration(l.calibrated);
        l.fp = layerMeans(l.config, QuantPlan{}, m_linearValues, kLinearShape);
        l.before = layerMeans(l.config, l.plan, m_linearValues, kLinearShape);
        return l;
    }
    // The per-channel output means of the coarse plan with `parameters` (a repair's result).
    Means meansWith(const CoarseLinear& linear, const LayerParameterMap& parameters) const
    {
        QuantPlan plan = linear.plan;
        plan.parameters = parameters;
        return layerMeans(linear.config, plan, m_linearValues, kLinearShape);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_linearValues = test::normalSamples(64 * 4, 1);
        for (size_t i = 0; i < m_linearValues.size(); ++i) // a non-zero mean per feature
            m_linearValues[i] += 0.3f * float(i % 4);
        m_linearData = m_dir.filePath(QStringLiteral("linear.npy")).toStdString();
        cs::test::writeNpy(QString::fromStdString(m_linearData), m_linearValues, kLinearShape);
        m_chainValues = test::normalSamples(32 * 3 * 8 * 8, 2);
        m_chainData = m_dir.filePath(QStringLiteral("chain.npy")).toStdString();
        cs::test::writeNpy(QString::fromStdString(m_chainData), m_chainValues, {32, 3, 8, 8});
    }

    // After the empirical correction every layer's quantized output has the float output's
    // per-channel means (the activation grid as calibrated, coarse 4-bit weights).
    void biasCorrectionMatchesChannelMeans()
    {
        const CoarseLinear linear = coarseLinear();
        const Means& fp = linear.fp;
        QCOMPARE(fp.sum.size(), size_t(2));
        double errorBefore = 0;
        for (size_t l = 0; l < 2; ++l)
            for (size_t k = 0; k < fp.mean(l).size(); ++k)
                errorBefore = std::max(errorBefore, std::abs(fp.mean(l)[k] - linear.before.mean(l)[k]));
        QVERIFY2(errorBefore > 1e-3, "4-bit weights leave no mean error to correct");

        LayerParameterMap parameters;
        const RepairRecord record = correctBias(RepairContext{linear.config, {}}, linear.calibrated, {}, parameters);
        QCOMPARE(record.name, std::string("bias_correction"));
        QCOMPARE(parameters.size(), size_t(2));
        QCOMPARE(parameters.begin()->second.bias.size(), size_t(3)); // fc1 had no bias: one is added
        const Means after = meansWith(linear, parameters);
        for (size_t l = 0; l < 2; ++l)
            for (size_t k = 0; k < fp.mean(l).size(); ++k)
                QVERIFY2(std::abs(fp.mean(l)[k] - after.mean(l)[k]) < 1e-5,
                         qPrintable(QStringLiteral("layer %1 channel %2: float %3 quantized %4")
                                        .arg(l).arg(k).arg(fp.mean(l)[k]).arg(after.mean(l)[k])));
    }

    // TI's per-batch flavour moves each bias by 5 % of the batch's mean error: the error
    // shrinks, without vanishing after one pass.
    void tiBiasCorrectionShrinksTheError()
    {
        const CoarseLinear linear = coarseLinear();
        LayerParameterMap parameters;
        BiasCorrectionOptions ti;
        ti.flavour = BiasCorrectionFlavour::TiPerBatch;
        ti.epochs = 10;
        const RepairRecord record =
            correctBias(RepairContext{linear.config, {}}, linear.calibrated, {}, parameters, ti);
        QCOMPARE(record.params.at("flavour"), std::string("ti_per_batch"));
        const Means& fp = linear.fp;
        const Means& before = linear.before;
        const Means after = meansWith(linear, parameters);
        const size_t last = 1;
        double eBefore = 0, eAfter = 0;
        for (size_t k = 0; k < fp.mean(last).size(); ++k) {
            eBefore += std::abs(fp.mean(last)[k] - before.mean(last)[k]);
            eAfter += std::abs(fp.mean(last)[k] - after.mean(last)[k]);
        }
        QVERIFY2(eAfter < 0.75 * eBefore, qPrintable(QStringLiteral("%1 -> %2").arg(eBefore).arg(eAfter)));
    }

    // max|W| 40 > 15 and > 16 * median 1 (the lower middle of [1, 40]): clip to
    // 0.9375 * 2^ceil(log2(min(40, 16))) = 15. A weight within the rule is left alone.
    void weightClippingFollowsTheTiRule()
    {
        CalibrationConfig c = config("bias_conv.pt", m_linearData);
        LayerParameterMap parameters;
        RepairRecord r = clipWeights(RepairContext{c, {}}, parameters);
        QVERIFY(parameters.empty());
        QCOMPARE(r.notes.size(), size_t(1));
        QVERIFY(r.notes[0].find("no weight met") != std::string::npos);

        ModelGraph graph(c.modelPath);
        std::string conv;
        for (const auto& op : graph.summary().ops)
            if (op.hasWeightPoint())
                conv = op.name;
        parameters[conv].weightShape = {2, 1, 1, 1};
        parameters[conv].weight = {1.0f, 40.0f};
        r = clipWeights(RepairContext{c, {}}, parameters);
        QCOMPARE(parameters.at(conv).weight, (std::vector<float>{1.0f, 15.0f}));
        QVERIFY(r.notes.at(0).find("clipped to +-15") != std::string::npos);
        parameters[conv].weight = {-14.0f, 40.0f}; // median 14: 40 < 16 * 14, not an outlier
        clipWeights(RepairContext{c, {}}, parameters);
        QCOMPARE(parameters.at(conv).weight, (std::vector<float>{-14.0f, 40.0f}));
    }

    // conv1 -> depthwise conv2 -> conv3 (cube roots) and conv3 -> conv4 (square roots): the
    // float output stays, and each set's per-channel ranges come out equal.
    void equalizationKeepsTheFloatOutputAndBalancesRanges()
    {
        const CalibrationConfig c = config("chain.pt", m_chainData);
        LayerParameterMap parameters;
        EqualizationOptions noAbsorb;
        noAbsorb.absorbHighBias = false;
        const RepairRecord r = equalizeLayers(RepairContext{c, {}}, parameters, noAbsorb);
        QCOMPARE(r.name, std::string("equalization"));
        QCOMPARE(parameters.size(), size_t(4));
        const std::vector<int64_t> shape{32, 3, 8, 8};
        const BatchOutput original = floatOutput(c.modelPath, {}, m_chainValues, shape);
        const BatchOutput equalized = floatOutput(c.modelPath, parameters, m_chainValues, shape);
        QCOMPARE(equalized.shape, original.shape);
        double largest = 0, worst = 0;
        for (size_t i = 0; i < original.data.size(); ++i) {
            largest = std::max(largest, double(std::abs(original.data[i])));
            worst = std::max(worst, double(std::abs(original.data[i] - equalized.data[i])));
        }
        QVERIFY2(worst <= 1e-5 * std::max(1.0, largest), qPrintable(QStringLiteral("float output moved by %1").arg(worst)));

        // Ranges: rows of conv1 and conv2 and input channels of conv3 equal per channel.
        std::vector<std::string> names;
        ModelGraph graph(c.modelPath);
        for (const auto& op : graph.summary().ops)
            if (op.hasWeightPoint())
                names.push_back(op.name);
        QCOMPARE(names.size(), size_t(5));
        auto rowMax = [&](const std::string& op, int64_t row) {
            const LayerParameters& p = parameters.at(op);
            const int64_t per = int64_t(p.weight.size()) / p.weightShape[0];
            float m = 0;
            for (int64_t i = 0; i < per; ++i)
                m = std::max(m, std::abs(p.weight[size_t(row * per + i)]));
            return m;
        };
        auto columnMax = [&](const std::string& op, int64_t column) {
            const LayerParameters& p = parameters.at(op);
            const int64_t out = p.weightShape[0], in = p.weightShape[1];
            const int64_t spatial = int64_t(p.weight.size()) / (out * in);
            float m = 0;
            for (int64_t o = 0; o < out; ++o)
                for (int64_t s = 0; s < spatial; ++s)
                    m = std::max(m, std::abs(p.weight[size_t((o * in + column) * spatial + s)]));
            return m;
        };
        float spreadBefore = 0;
        for (int64_t ch = 0; ch < 8; ++ch) {
            const float r1 = rowMax(names[0], ch), r2 = rowMax(names[1], ch), r3 = columnMax(names[2], ch);
            QVERIFY2(std::abs(r1 - r2) <= 1e-4f * r1 && std::abs(r1 - r3) <= 1e-4f * r1,
                     qPrintable(QStringLiteral("channel %1: %2 %3 %4").arg(ch).arg(r1).arg(r2).arg(r3)));
            spreadBefore = std::max(spreadBefore, r1);
        }
        for (int64_t ch = 0; ch < 6; ++ch) {
            const float r1 = rowMax(names[2], ch), r2 = columnMax(names[3], ch);
            QVERIFY2(std::abs(r1 - r2) <= 1e-3f * r1, qPrintable(QStringLiteral("conv3/conv4 channel %1: %2 %3").arg(ch).arg(r1).arg(r2)));
        }
        QVERIFY(!parameters.count(names[4])); // the linear after the pooling is not in a chain

        // With high-bias absorption the float output moves only where a ReLU input falls
        // below the absorbed bias (rarely, by construction of c), and the record says what it did.
        LayerParameterMap absorbed;
        const RepairRecord withAbsorb = equalizeLayers(RepairContext{c, {}}, absorbed);
        bool mentioned = false;
        for (const auto& n : withAbsorb.notes)
            mentioned = mentioned || n.find("absorbed") != std::string::npos;
        QVERIFY(mentioned);
    }

    // ti-advanced-dw: a depthwise channel of near-zero weights gets no scale below the
    // per-tensor scale / 256 (TI caps the inverse scale at 256x the tensor's); the others keep
    // theirs, and the job applies the floor to what it saves.
    void depthwiseScaleFloor()
    {
        CalibrationConfig c = config("chain.pt", m_chainData);
        std::vector<std::string> names;
        ModelGraph graph(c.modelPath);
        for (const auto& op : graph.summary().ops)
            if (op.hasWeightPoint())
                names.push_back(op.name);
        const std::string dwConv = names.at(1);
        LayerParameters& p = c.parameters[dwConv];
        p.weightShape = {8, 1, 3, 3};
        p.weight.resize(72);
        for (size_t i = 0; i < 72; ++i) // channels 0..6 reach +-8, channel 7 only 1e-4
            p.weight[i] = (i / 9 == 7 ? 1e-4f : 8.0f) * (float(i % 9) - 4.0f) / 4.0f;
        RepairOptions options;
        applyPreset("ti-advanced-dw", c, options);
        CalibrationResult calibrated = runCalibration(c);
        auto weightOf = [&](CalibrationResult& r) -> WeightCalibration& {
            for (WeightCalibration& w : r.weights)
                if (w.name == dwConv)
                    return w;
            throw std::runtime_error("no depthwise weight");
        };
        // Per-tensor: 8 / 127.5 rounded up to 2^-3; the floor 2^-11. Channel 7 alone: 2^-14.
        const std::vector<float> before = weightOf(calibrated).result.scale;
        QCOMPARE(before.size(), size_t(8));
        QCOMPARE(before[7], std::ldexp(1.0f, -14));
        QCOMPARE(before[0], std::ldexp(1.0f, -3));
        const RepairRecord r = capDepthwiseScales(calibrated);
        const std::vector<float> after = weightOf(calibrated).result.scale;
        QCOMPARE(after[7], std::ldexp(1.0f, -11));
        for (size_t ch = 0; ch < 7; ++ch)
            QCOMPARE(after[ch], before[ch]);
        QCOMPARE(r.notes.size(), size_t(1));
        QVERIFY2(r.notes[0].find(dwConv) != std::string::npos && r.notes[0].find("channel(s) 7 ") != std::string::npos,
                 r.notes[0].c_str());
        // The other weights are per tensor: untouched.
        for (const WeightCalibration& w : calibrated.weights)
            if (w.name != dwConv)
                QCOMPARE(w.result.scale.size(), size_t(1));

        CalibrationConfig sessionConfig = config("chain.pt", m_chainData);
        sessionConfig.parameters = c.parameters;
        const CalibrationResult session = runCalibration(sessionConfig);
        RepairOptions dw;
        dw.preset = "ti-advanced-dw";
        const CalibrationResult repaired = runRepairs(session, sessionConfig, dw);
        bool found = false;
        for (const WeightCalibration& w : repaired.weights)
            if (w.name == dwConv) {
                found = true;
                QCOMPARE(w.result.scale.at(7), std::ldexp(1.0f, -11));
            }
        QVERIFY(found);
        bool recorded = false;
        for (const auto& rec : repaired.repairs)
            recorded = recorded || rec.name == "depthwise_scale_floor";
        QVERIFY(recorded);
    }

    // Plan search, then bias correction measured with the chosen ranges: the combination is
    // never worse on the output MSE than the plan search alone, and the record says which
    // order ran.
    void biasCorrectionAfterPlanSearchIsNeverWorse()
    {
        CalibrationConfig c = config("chain.pt", m_chainData);
        c.compareObservers = true;
        c.activation.spec.dtype = obs::DType::QUInt4;
        c.activation.spec.qscheme = obs::QScheme::PerTensorAffine;
        c.weight.spec.dtype = obs::DType::QInt4;
        const CalibrationResult session = runCalibration(c);
        PlanSearchConfig s = planSearchConfig(c);
        s.threads = 1;

        RepairOptions searchOnly;
        searchOnly.planSearch = true;
        const CalibrationResult searched = runRepairs(session, c, searchOnly);
        QCOMPARE(searched.repairs.size(), size_t(1));
        QCOMPARE(searched.repairs[0].name, std::string("plan_search"));
        const double searchError = planOutputError(searched, planFromCalibration(searched), s);

        RepairOptions both = searchOnly;
        both.biasCorrection = true;
        const CalibrationResult combined = runRepairs(session, c, both);
        std::vector<std::string> names;
        for (const auto& r : combined.repairs)
            names.push_back(r.name);
        QCOMPARE(names, (std::vector<std::string>{"plan_search", "bias_correction"}));
        QCOMPARE(combined.repairs[1].params.at("after"), std::string("plan_search"));
        // The same plan as the search alone chose: the ranges are not re-calibrated.
        for (size_t i = 0; i < combined.points.size(); ++i)
            QCOMPARE(combined.points[i].config.name, searched.points[i].config.name);
        const double combinedError = planOutputError(combined, planFromCalibration(combined), s);
        QVERIFY2(combinedError <= searchError * (1.0 + 1e-12),
                 qPrintable(QStringLiteral("plan search %1, then bias correction %2").arg(searchError).arg(combinedError)));
        const bool kept = combined.repairs[1].params.at("kept") == "yes";
        QCOMPARE(kept, !combined.config.parameters.empty());
        qInfo("plan search %g, then bias correction %g (%s)", searchError, combinedError, kept ? "kept" : "not kept");
    }

    void equalizationWithoutChainsSaysSo()
    {
        const CalibrationConfig c = config("bias_conv.pt", m_linearData);
        LayerParameterMap parameters;
        const RepairRecord r = equalizeLayers(RepairContext{c, {}}, parameters);
        QVERIFY(parameters.empty());
        QVERIFY(!r.notes.empty() && r.notes.back().find("no equalizable chain") != std::string::npos);
    }

    // The job: a preset, the repairs it implies, a session that reopens with them; NaN/Inf
    // names the point; cancel throws and leaves the input as it was.
    void jobAppliesPresetAndKeepsSessionOnFailure()
    {
        CalibrationConfig c = config("chain.pt", m_chainData);
        const CalibrationResult session = runCalibration(c);
        RepairOptions options;
        options.preset = "ti-advanced";
        options.equalize = true;
        ObserverBank bank;
        const CalibrationResult repaired = runRepairs(session, c, options, {}, &bank);
        QCOMPARE(repaired.config.activation.name, std::string("pact2"));
        QVERIFY(repaired.config.activation.spec.powerOfTwo);
        QVERIFY(!repaired.config.weight.spec.perChannel());
        std::vector<std::string> names;
        for (const auto& r : repaired.repairs)
            names.push_back(r.name);
        QCOMPARE(names, (std::vector<std::string>{"preset", "equalization", "weight_clipping", "bias_correction"}));
        QVERIFY(!repaired.config.parameters.empty());
        QVERIFY(session.config.parameters.empty());
        const std::string path = m_dir.filePath(QStringLiteral("repaired.cscope")).toStdString();
        saveSession(repaired, bank, path);
        const CalibrationResult back = loadSession(path);
        QVERIFY(back.config.parameters == repaired.config.parameters);
        QCOMPARE(back.repairs.size(), size_t(4));

        // ti-advanced-dw: per-channel weights for the depthwise conv only.
        RepairOptions dw;
        dw.preset = "ti-advanced-dw";
        CalibrationConfig dwConfig = c;
        applyPreset("ti-advanced-dw", dwConfig, dw);
        QCOMPARE(dwConfig.weightOverrides.size(), size_t(1));
        QVERIFY(dwConfig.weightOverrides.begin()->second.spec.perChannel());
        QVERIFY_THROWS_EXCEPTION(CalibError, applyPreset("nope", dwConfig, dw));
        QCOMPARE(dwConfig.weightOverrides.begin()->second.name, std::string("min_max"));
        // --weight-observer after the preset: every weight, the depthwise override included,
        // takes it on its own grid.
        dw.weightObserver = "weight_mse";
        const CalibrationResult dwRepaired = runRepairs(session, c, dw);
        for (const WeightCalibration& w : dwRepaired.weights)
            QCOMPARE(w.config.name, std::string("weight_mse"));
        QCOMPARE(dwRepaired.repairs.at(1).name, std::string("weight_observer"));

        // Cancel: JobCancelled, nothing written anywhere.
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(JobCancelled, runRepairs(session, c, options, [&](const ProgressInfo&) {
                                     return ++calls < 3;
                                 }));

        // Inf in the calibration data: the first layer's output is not finite; the error names it.
        std::vector<float> bad = m_chainValues;
        bad[5] = std::numeric_limits<float>::infinity();
        const std::string badPath = m_dir.filePath(QStringLiteral("bad.npy")).toStdString();
        cs::test::writeNpy(QString::fromStdString(badPath), bad, {32, 3, 8, 8});
        CalibrationConfig badConfig = c;
        badConfig.data.path = badPath;
        RepairOptions bias;
        bias.biasCorrection = true;
        try {
            runRepairs(session, badConfig, bias);
            QFAIL("Inf in the data did not stop bias correction");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("conv1") != std::string::npos, e.what());
        }
    }

    // The job of the Repair page and the CLI: with recordSteps, the plan after each step in
    // order, each the plan of the repairs up to it run on their own; without, the same result.
    void jobRecordsThePlanAfterEachStep()
    {
        const CalibrationConfig c = config("chain.pt", m_chainData);
        const CalibrationResult session = runCalibration(c);
        QVERIFY_THROWS_EXCEPTION(CalibError, runRepairJob(session, ObserverBank{}, c, RepairJobOptions{}));

        RepairJobOptions options;
        options.repairs.preset = "ti-advanced";
        options.repairs.equalize = true;
        options.adaround = true;
        options.adaroundIterations = 20;
        options.recordSteps = true;
        const RepairJobResult job = runRepairJob(session, ObserverBank{}, c, options);
        std::vector<std::vector<std::string>> records;
        for (const RepairStep& step : job.steps)
            records.push_back(step.records);
        const std::vector<std::vector<std::string>> expected{
            {"preset"}, {"equalization"}, {"weight_clipping"}, {"bias_correction"}, {"adaround"}};
        QCOMPARE(records, expected);
        QCOMPARE(job.newRepairs, (std::vector<std::string>{"preset", "equalization", "weight_clipping",
                                                           "bias_correction", "adaround"}));
        const auto samePlan = [](const QuantPlan& a, const QuantPlan& b) {
            if (!(a.parameters == b.parameters) || a.activations.size() != b.activations.size())
                return false;
            for (const auto& [name, q] : a.activations) {
                const auto it = b.activations.find(name);
                if (it == b.activations.end() || it->second.scale != q.scale || it->second.zeroPoint != q.zeroPoint)
                    return false;
            }
            return true;
        };
        // The preset alone, then with equalization: the first two steps' plans.
        RepairOptions presetOnly;
        presetOnly.preset = "ti-advanced";
        CalibrationConfig presetConfig = c;
        applyPreset("ti-advanced", presetConfig, presetOnly);
        QVERIFY(samePlan(job.steps[0].plan, planFromCalibration(runCalibration(presetConfig))));
        QVERIFY(job.steps[0].plan.parameters.empty());
        RepairOptions equalized;
        equalized.equalize = true;
        QVERIFY(samePlan(job.steps[1].plan, planFromCalibration(runRepairs(session, presetConfig, equalized))));
        QVERIFY(!(job.steps[1].plan.parameters == job.steps[3].plan.parameters));
        QVERIFY(samePlan(job.steps.back().plan, planFromCalibration(job.result)));

        // Recording the steps changes nothing in the result.
        options.recordSteps = false;
        const RepairJobResult plain = runRepairJob(session, ObserverBank{}, c, options);
        QVERIFY(plain.steps.empty());
        QVERIFY(plain.result.config.parameters == job.result.config.parameters);
        QVERIFY(samePlan(planFromCalibration(plain.result), planFromCalibration(job.result)));
    }
};

QTEST_GUILESS_MAIN(TestRepair)
#include "test_repair.moc"

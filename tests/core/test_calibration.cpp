// The calibration engine against independent computations: eager PyTorch statistics for a
// model with in-place ops, LibTorch submodule outputs for the demo, session round trips.
#include "../demo_test_config.h"
#include "core/calibration.h"
#include "core/dataset/idx_reader.h"
#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/session.h"

#include <torch/script.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace cs;

namespace {

const std::string kModels = CALIBSCOPE_TEST_MODELS_DIR;
const std::string kDemoDir = CALIBSCOPE_TEST_DEMO_DIR;

CalibrationConfig inplaceConfig(const std::string& model)
{
    CalibrationConfig c;
    c.modelPath = kModels + "/" + model;
    c.data.path = kModels + "/inplace_input.npy";
    c.batchSize = 16;
    c.numBatches = -1;
    c.threads = 1;
    return c;
}

CalibrationConfig demoConfig(int batches) { return cs::test::demoCalibrationConfig(kDemoDir + "/demo.pt", batches); }

QJsonObject readJson(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

bool close(double a, double b, double rel = 1e-5, double abs = 1e-5)
{
    return std::fabs(a - b) <= abs + rel * std::fabs(b);
}

} // namespace

class TestCalibration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void inplaceStatisticsMatchEagerPyTorch_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addRow("scripted") << QStringLiteral("inplace_scripted.pt");
        QTest::addRow("traced") << QStringLiteral("inplace_traced.pt");
    }
    void inplaceStatisticsMatchEagerPyTorch()
    {
        QFETCH(QString, model);
        const CalibrationResult r = runCalibration(inplaceConfig(model.toStdString()));
        const QJsonObject expected = readJson(kModels + "/inplace_expected.json");
        QCOMPARE(r.batches, 4);
        QCOMPARE(r.images, 64);
        QCOMPARE(int(r.points.size()), expected.size());
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const PointCalibration* p = r.point(it.key().toStdString());
            QVERIFY2(p, qPrintable(it.key()));
            const QJsonArray batches = it.value().toArray();
            QCOMPARE(int(p->stats.batches.size()), batches.size());
            for (int b = 0; b < batches.size(); ++b) {
                const QJsonObject e = batches[b].toObject();
                const BatchSummary& got = p->stats.batches[size_t(b)];
                QVERIFY2(close(got.min, e[QStringLiteral("min")].toDouble()), qPrintable(it.key()));
                QVERIFY2(close(got.max, e[QStringLiteral("max")].toDouble()), qPrintable(it.key()));
                QVERIFY2(close(got.sum, e[QStringLiteral("sum")].toDouble(), 1e-5, 1e-3), qPrintable(it.key()));
                QCOMPARE(got.count, e[QStringLiteral("count")].toInteger());
            }
        }
        // bn's output feeds relu_ in place: the tap must have seen it before the ReLU.
        QVERIFY(r.point("bn")->stats.min < -1.0f);
        QCOMPARE(r.point("relu")->stats.min, 0.0f);
    }

    void demoStatisticsMatchLibTorch()
    {
        const CalibrationResult r = runCalibration(demoConfig(2));
        QCOMPARE(r.points.size(), size_t(15));
        QCOMPARE(r.weights.size(), size_t(8));
        QCOMPARE(r.images, 64);

        // Independent path: the same two batches through the demo's submodules with LibTorch.
        torch::jit::Module m = torch::jit::load(kDemoDir + "/demo.pt");
        m.eval();
        torch::NoGradGuard noGrad;
        const IdxArray images = readIdx("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
        const auto bytes = torch::from_blob(const_cast<uint8_t*>(images.bytes.data()), {60000, 1, 28, 28}, torch::kUInt8);
        auto sub = [&](const char* name) { return m.attr(name).toModule(); };
        for (int b = 0; b < 2; ++b) {
            const auto x = (bytes.slice(0, 59000 + 32 * b, 59000 + 32 * (b + 1)).to(torch::kFloat) / 255.0 - 0.2860) / 0.3530;
            std::map<std::string, torch::Tensor> expected;
            expected["x"] = x;
            expected["stem.relu"] = sub("stem").forward({x}).toTensor();
            expected["pool"] = sub("pool").forward({expected["stem.relu"]}).toTensor();
            expected["stage1.relu"] = sub("stage1").forward({expected["pool"]}).toTensor();
            expected["block1.relu:2"] = sub("block1").forward({expected["stage1.relu"]}).toTensor();
            expected["stage2.relu"] = sub("stage2").forward({expected["block1.relu:2"]}).toTensor();
            expected["block2.relu:2"] = sub("block2").forward({expected["stage2.relu"]}).toTensor();
            expected["avgpool"] = sub("avgpool").forward({expected["block2.relu:2"]}).toTensor();
            expected["fc"] = sub("fc").forward({expected["avgpool"].flatten(1)}).toTensor();
            for (const auto& [name, t] : expected) {
                const BatchSummary& got = r.point(name)->stats.batches[size_t(b)];
                QVERIFY2(close(got.min, t.min().item<double>()), name.c_str());
                QVERIFY2(close(got.max, t.max().item<double>()), name.c_str());
                QVERIFY2(close(got.sum, t.to(torch::kDouble).sum().item<double>(), 1e-4, 1e-2), name.c_str());
                QCOMPARE(got.count, t.numel());
            }
        }

        // Each point's min/max summary is consistent with its own per-batch values.
        for (const auto& p : r.points) {
            float lo = p.stats.batches[0].min, hi = p.stats.batches[0].max;
            for (const auto& b : p.stats.batches) {
                lo = std::min(lo, b.min);
                hi = std::max(hi, b.max);
            }
            QCOMPARE(p.stats.min, lo);
            QCOMPARE(p.stats.max, hi);
            QCOMPARE(p.stats.histogram.total(), double(p.stats.count));
        }
    }

    void minMaxObserverIsEmaOfBatchRanges()
    {
        const CalibrationResult r = runCalibration(demoConfig(3));
        for (const auto& p : r.points) {
            float lo = p.stats.batches[0].min, hi = p.stats.batches[0].max;
            for (size_t b = 1; b < p.stats.batches.size(); ++b) {
                lo = lo + 0.01f * (p.stats.batches[b].min - lo);
                hi = hi + 0.01f * (p.stats.batches[b].max - hi);
            }
            QCOMPARE(p.result.min.at(0), lo);
            QCOMPARE(p.result.max.at(0), hi);
            const float amax = std::max(-std::min(lo, 0.0f), std::max(hi, 0.0f));
            QVERIFY2(close(p.result.scale.at(0), std::max(amax / 127.5f, 1.1920929e-07f), 1e-6, 0), p.name.c_str());
        }
    }

    // Evaluation holds the float pass's own tensors for the quantized pass. The tap must
    // refuse (null owner) where a later in-place op rewrites the tensor (bn feeding relu_),
    // and what it hands out must still hold the observed values after the forward.
    void keptTensorsStayAsObserved()
    {
        struct Keeper final : TapHandler {
            std::vector<std::vector<float>> seen;
            std::vector<std::shared_ptr<const void>> owners;
            std::vector<const float*> data;
            void observe(int, const obs::TensorView&) override { QFAIL("observeKept expected"); }
            bool keepsTensors() const override { return true; }
            void observeKept(int point, const obs::TensorView& x, std::shared_ptr<const void> owner) override
            {
                const auto p = size_t(point);
                seen.resize(std::max(seen.size(), p + 1));
                owners.resize(seen.size());
                data.resize(seen.size());
                seen[p].assign(x.data, x.data + x.numel());
                owners[p] = std::move(owner);
                data[p] = x.data;
            }
        } keeper;
        for (const std::string file : {"inplace_scripted.pt", "inplace_traced.pt"}) {
            ModelGraph graph(kModels + "/" + file, PointMode::PerOp);
            graph.inferShapes({1, 1, 8, 8});
            InstrumentedModel model(graph);
            torch::manual_seed(2);
            const at::Tensor input = torch::randn({4, 1, 8, 8});
            model.forward(input.data_ptr<float>(), input.sizes().vec(), keeper, TapMode::Observe);
            int kept = 0;
            bool bnRefused = false;
            for (size_t p = 0; p < model.points().size(); ++p) {
                if (model.points()[p].name == "bn")
                    bnRefused = keeper.owners.at(p) == nullptr;
                if (!keeper.owners.at(p))
                    continue;
                ++kept;
                QVERIFY2(std::equal(keeper.seen[p].begin(), keeper.seen[p].end(), keeper.data[p]),
                         model.points()[p].name.c_str());
            }
            QVERIFY2(bnRefused, file.c_str());
            QVERIFY(kept >= 2);
        }
    }

    void weightsAreFoldedWithBatchNorm()
    {
        const CalibrationResult r = runCalibration(inplaceConfig("inplace_scripted.pt"));
        QCOMPARE(r.weights.size(), size_t(1));
        const WeightCalibration& w = r.weights[0];
        QCOMPARE(w.name, std::string("conv"));
        QCOMPARE(w.foldedBatchNorm, std::string("bn"));

        torch::jit::Module m = torch::jit::load(kModels + "/inplace_scripted.pt");
        const auto weight = m.attr("conv").toModule().attr("weight").toTensor();
        const auto bn = m.attr("bn").toModule();
        const auto g = bn.attr("weight").toTensor() / (bn.attr("running_var").toTensor() + 1e-5).sqrt();
        const auto folded = weight * g.reshape({-1, 1, 1, 1});
        const auto lo = std::get<0>(folded.flatten(1).min(1));
        const auto hi = std::get<0>(folded.flatten(1).max(1));
        const auto rawLo = std::get<0>(weight.flatten(1).min(1));
        for (int c = 0; c < 4; ++c) {
            QVERIFY(close(w.folded.min[size_t(c)], lo[c].item<float>(), 1e-6, 1e-7));
            QVERIFY(close(w.folded.max[size_t(c)], hi[c].item<float>(), 1e-6, 1e-7));
            QCOMPARE(w.unfolded.min[size_t(c)], rawLo[c].item<float>());
        }
        QCOMPARE(w.result.scale.size(), size_t(4));
    }

    void cancelStopsWithinABatch()
    {
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(JobCancelled, runCalibration(demoConfig(10), [&](const ProgressInfo& p) {
            if (p.stage != "calibrating")
                return true;
            ++calls;
            return calls < 2;
        }));
        QCOMPARE(calls, 2);
    }

    void percentileRetunesWithoutData()
    {
        CalibrationConfig config = demoConfig(3);
        config.activation.name = "percentile";
        ObserverBank bank;
        CalibrationResult r = runCalibration(config, {}, &bank);
        QCOMPARE(retunePoint(r, bank, "block1.add", {{"percentile", 99.0}}), RetuneOutcome::Recomputed);
        config.activation.params["percentile"] = 99.0;
        const CalibrationResult fresh = runCalibration(config);
        QCOMPARE(r.point("block1.add")->result.max, fresh.point("block1.add")->result.max);
        QCOMPARE(r.point("block1.add")->result.scale, fresh.point("block1.add")->result.scale);
        QCOMPARE(r.point("block1.add")->config.params.at("percentile"), 99.0);
        QCOMPARE(retunePoint(r, bank, "block1.add", {{"bins", 512}}), RetuneOutcome::NeedsData);
        QCOMPARE(retunePoint(r, bank, "no.such.point", {{"percentile", 99.0}}), RetuneOutcome::NoObserver);
    }

    void applyPointConfigRecomputesOrAsksForData()
    {
        CalibrationConfig config = demoConfig(3);
        config.compareObservers = true;
        ObserverBank bank;
        CalibrationResult r = runCalibration(config, {}, &bank);
        const std::string point = "block2.add";

        ObserverConfig percentile = r.point(point)->config;
        percentile.name = "percentile";
        QCOMPARE(applyPointConfig(r, bank, point, percentile), RetuneOutcome::Recomputed);
        QCOMPARE(r.point(point)->result.max, r.point(point)->compare.at("percentile").max);

        percentile.params["percentile"] = 99.9;
        QCOMPARE(applyPointConfig(r, bank, point, percentile), RetuneOutcome::Recomputed);
        CalibrationConfig fresh = demoConfig(3);
        fresh.overrides[point] = percentile;
        const CalibrationResult expected = runCalibration(fresh);
        QCOMPARE(r.point(point)->result.scale, expected.point(point)->result.scale);

        ObserverConfig qint16 = percentile;
        qint16.spec.dtype = obs::DType::QInt16;
        QCOMPARE(applyPointConfig(r, bank, point, qint16), RetuneOutcome::NeedsData);
        QVERIFY(r.point(point)->config.spec.dtype == obs::DType::QInt8);

        ObserverConfig keepFloat = percentile;
        keepFloat.keepFloat = true;
        QCOMPARE(applyPointConfig(r, bank, point, keepFloat), RetuneOutcome::Recomputed);
        QVERIFY(r.point(point)->config.keepFloat);
        const auto overrides = currentOverrides(r);
        QCOMPARE(overrides.size(), size_t(1));
        QVERIFY(overrides.at(point) == keepFloat);
    }

    void compareModeRunsEveryObserver()
    {
        CalibrationConfig config = inplaceConfig("inplace_scripted.pt");
        config.compareObservers = true;
        const CalibrationResult r = runCalibration(config);
        const PointCalibration* p = r.point("bn");
        QVERIFY(p->compare.size() >= 12);
        for (const char* name : {"min_max", "percentile", "mse", "kl", "mix", "torch_histogram", "hist_entropy", "pact2"})
            QVERIFY2(p->compare.count(name), name);
        QCOMPARE(p->compare.at("min_max").scale, p->result.scale);
        // Observers whose range the user sets are not compared with their default parameters.
        QVERIFY(!p->compare.count("clip"));
        QVERIFY(!p->compare.count("fixed_scale"));
    }

    void compareModeKeepsAUserSetRangeWithTheUsersParameters()
    {
        CalibrationConfig config = inplaceConfig("inplace_scripted.pt");
        config.compareObservers = true;
        config.activation.name = "clip";
        config.activation.params = {{"xmin", -0.5}, {"xmax", 0.5}};
        const CalibrationResult r = runCalibration(config);
        const PointCalibration* p = r.point("bn");
        QVERIFY(p->compare.count("clip"));
        QVERIFY(!p->compare.count("fixed_scale"));
        QCOMPARE(p->compare.at("clip").max, p->result.max);
    }

    void sessionRoundTripIsExact()
    {
        CalibrationConfig config = inplaceConfig("inplace_scripted.pt");
        config.compareObservers = true;
        ObserverBank bank;
        const CalibrationResult r = runCalibration(config, {}, &bank);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("s.cscope")).toStdString();
        saveSession(r, bank, path);
        ObserverBank backBank;
        const CalibrationResult back = loadSession(path, &backBank);
        QCOMPARE(back.model.ops.size(), r.model.ops.size());
        QCOMPARE(back.model.sha256, r.model.sha256);
        QCOMPARE(back.points.size(), r.points.size());
        for (size_t i = 0; i < r.points.size(); ++i) {
            const auto& a = r.points[i];
            const auto& b = back.points[i];
            QCOMPARE(b.name, a.name);
            QCOMPARE(b.result.min, a.result.min);
            QCOMPARE(b.result.scale, a.result.scale);
            QCOMPARE(b.result.zeroPoint, a.result.zeroPoint);
            QCOMPARE(b.stats.histogram.counts, a.stats.histogram.counts);
            QCOMPARE(b.stats.histogram.lo, a.stats.histogram.lo);
            QCOMPARE(b.stats.batches.size(), a.stats.batches.size());
            QCOMPARE(b.stats.batches[1].absHistogram.counts(), a.stats.batches[1].absHistogram.counts());
            QCOMPARE(b.stats.mean, a.stats.mean);
            QCOMPARE(b.compare.size(), a.compare.size());
            QCOMPARE(b.compare.at("kl").max, a.compare.at("kl").max);
        }
        QCOMPARE(back.weights[0].folded.max, r.weights[0].folded.max);
        QCOMPARE(back.config.data, r.config.data);
        // Saving what was loaded gives the same statistics again.
        const std::string again = dir.filePath(QStringLiteral("again.cscope")).toStdString();
        saveSession(back, backBank, again);
        QCOMPARE(loadSession(again).points[2].stats.histogram.counts, r.points[2].stats.histogram.counts);
    }

    void badInputs()
    {
        CalibrationConfig wrongShape = inplaceConfig("inplace_scripted.pt");
        wrongShape.modelPath = kDemoDir + "/demo.pt";
        try {
            runCalibration(wrongShape);
            QFAIL("expected a shape error");
        } catch (const CalibError& e) {
            const QString m = QString::fromUtf8(e.what());
            QVERIFY2(m.contains(QStringLiteral("[1, 8, 8]")) && m.contains(QStringLiteral("28")), e.what());
        }
        CalibrationConfig badObserver = inplaceConfig("inplace_scripted.pt");
        badObserver.activation.name = "no_such_observer";
        QVERIFY_THROWS_EXCEPTION(CalibError, runCalibration(badObserver));
        CalibrationConfig missing = inplaceConfig("inplace_scripted.pt");
        missing.data.path = "/nonexistent/data.npy";
        QVERIFY_THROWS_EXCEPTION(CalibError, runCalibration(missing));
        QTemporaryDir dir;
        QFile junk(dir.filePath(QStringLiteral("junk.cscope")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("junk");
        junk.close();
        QVERIFY_THROWS_EXCEPTION(CalibError, loadSession(junk.fileName().toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestCalibration)
#include "test_calibration.moc"

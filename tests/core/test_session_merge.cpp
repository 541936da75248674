// Sessions over data shards merged into one (calibscope-cli merge), and the evaluation kept in
// a session: merging two shards' sessions gives what one run over both shards gives; an
// evaluation survives save/load field by field and knows when the plan changed since.
#include "core_test_support.h"
#include "core/calibration.h"
#include "core/evaluation.h"
#include "core/errors.h"
#include "core/session/observer_bank.h"
#include "core/session/observer_state_merge.h"
#include "core/observers/observer_registry.h"
#include "core/session.h"
#include "core/session/session_merge.h"

#include <QCborMap>
#include <QCborValue>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>

using namespace cs;

namespace {

const std::string kDemoDir = CALIBSCOPE_TEST_DEMO_DIR;

// The demo's calibration split, as tests/core/test_calibration.cpp; batches of 32 so that
// shard A = samples [59000, 59064) ends on a batch boundary and one run over [59000, 59128)
// sees exactly A's batches, then B's.
CalibrationConfig shardConfig(int64_t start, int64_t count)
{
    CalibrationConfig c;
    c.modelPath = kDemoDir + "/demo.pt";
    c.data.path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    c.data.start = start;
    c.data.count = count;
    c.data.preprocess.scale = 1.0 / 255.0;
    c.data.preprocess.mean = {0.2860};
    c.data.preprocess.stddev = {0.3530};
    c.batchSize = 32;
    c.numBatches = -1;
    c.threads = 1;
    c.compareObservers = true;
    return c;
}

using cs::test::sameBits;

bool same(const obs::ObserverResult& a, const obs::ObserverResult& b) { return cs::test::sameResult(a, b); }

QByteArray show(const obs::ObserverResult& r)
{
    return "min " + QByteArray::number(r.min.empty() ? 0.0 : double(r.min[0]), 'g', 9) + " max "
           + QByteArray::number(r.max.empty() ? 0.0 : double(r.max[0]), 'g', 9) + " batches "
           + QByteArray::number(qint64(r.batches)) + " warning '" + QByteArray::fromStdString(r.warning) + "'";
}

// Doubles equal bit for bit (so NaN == NaN and +inf == +inf).
bool sameDouble(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same(const PointMetrics& a, const PointMetrics& b)
{
    return a.count == b.count && sameDouble(a.l2, b.l2) && sameDouble(a.mse, b.mse) && sameDouble(a.sqnrDb, b.sqnrDb)
           && sameDouble(a.cosine, b.cosine) && sameDouble(a.maxAbsError, b.maxAbsError)
           && sameDouble(a.rmseOverScale, b.rmseOverScale) && sameDouble(a.clippedFraction, b.clippedFraction)
           && sameDouble(a.clippingError, b.clippingError) && sameDouble(a.roundingError, b.roundingError)
           && a.nonFinite == b.nonFinite;
}

bool same(const OutputMetrics& a, const OutputMetrics& b)
{
    return a.samples == b.samples && a.labelled == b.labelled && sameDouble(a.top1, b.top1) && sameDouble(a.top5, b.top5)
           && sameDouble(a.argmaxAgreement, b.argmaxAgreement) && sameDouble(a.sqnrDb, b.sqnrDb)
           && sameDouble(a.cosine, b.cosine);
}

// An evaluation with every field set, special values included.
EvaluationResult sampleEvaluation(const CalibrationResult& calibration)
{
    const double inf = std::numeric_limits<double>::infinity();
    EvaluationResult e;
    e.hasLabels = true;
    e.images = 192;
    e.batches = 3;
    e.seconds = 1.25;
    e.floatMetrics = OutputMetrics{192, 192, 0.875, 0.99, 1.0, inf, 1.0};
    e.planMetrics = OutputMetrics{192, 192, 0.8541666666666666, 0.984375, 0.96875, 23.456789012345, 0.9987};
    for (const auto& p : calibration.points) {
        PointMetrics local{1000, 0.5, 2.5e-4, 31.25, 0.99951171875, 0.0625, 0.2886751345948129, 1e-3, 0.01, 0.24, 0};
        PointMetrics accumulated = local;
        accumulated.sqnrDb = p.name == calibration.points.front().name ? inf : 18.5;
        accumulated.rmseOverScale = 0;
        accumulated.nonFinite = 3;
        e.points.push_back(PointEvaluation{p.name, local, accumulated});
    }
    e.accuracy = {AccuracyRow{"float", e.floatMetrics}, AccuracyRow{"plan", e.planMetrics},
                  AccuracyRow{"auto", OutputMetrics{192, 192, 0.86, 0.99, 0.97, 25.0, 0.999}},
                  AccuracyRow{"min_max", OutputMetrics{192, 192, 0.85, 0.98, 0.96, 22.0, 0.998}}};
    e.sensitivity = {SensitivityEntry{calibration.points[1].name, OutputMetrics{192, 192, 0.86, 1, 0.98, 30, 0.999},
                                      OutputMetrics{192, 192, 0.5, 0.9, 0.6, 10, 0.9}, 0.015},
                     SensitivityEntry{calibration.points[0].name, OutputMetrics{192, 192, 0.875, 0.99, 1, inf, 1},
                                      OutputMetrics{}, 0.0}};
    e.autoPlan = {AutoChoice{calibration.points[0].name, "percentile", 0.125,
                             {{"min_max", 0.25}, {"percentile", 0.125}, {"kl", inf}}, "smallest local L2"}};
    e.nonFinite = {NonFiniteEvent{calibration.points[2].name, "quantized", 1, 7}};
    e.sweep = {SweepRow{99.99, 2048, OutputMetrics{192, 192, 0.86, 0.99, 0.97, 24, 0.999}},
               SweepRow{99.9, 1024, OutputMetrics{192, 0, std::nan(""), 0, 0.95, 21, 0.998}}};
    e.warnings = {"a warning", "another"};
    e.data.path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    e.data.start = 100;
    e.data.count = 500;
    e.data.preprocess.mean = {0.286};
    e.data.preprocess.stddev = {0.353};
    e.maxBatches = 3;
    for (const auto& p : calibration.points)
        e.planConfigs.emplace(p.name, p.config);
    return e;
}

} // namespace

class TestSessionMerge : public QObject {
    Q_OBJECT
private:
    CalibrationResult m_a, m_b, m_single;
    ObserverBank m_aBank, m_bBank, m_singleBank; // their live observers
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_a = runCalibration(shardConfig(59000, 64), {}, &m_aBank);
        m_b = runCalibration(shardConfig(59064, 64), {}, &m_bBank);
        m_single = runCalibration(shardConfig(59000, 128), {}, &m_singleBank);
        QCOMPARE(m_a.batches, 2);
        QCOMPARE(m_b.batches, 2);
        QCOMPARE(m_single.batches, 4);
    }

    // Statistics: exact for min/max/counts/sums/per-batch summaries; histograms within one of
    // B's bins (see AccumulatedHistogram::merge).
    void statisticsEqualOneRun()
    {
        std::vector<std::string> notes;
        const CalibrationResult merged =
            mergeSessions({m_a, m_b}, {&m_aBank, &m_bBank}, nullptr, &notes, {"a.cscope", "b.cscope"});
        QCOMPARE(merged.images, m_single.images);
        QCOMPARE(merged.batches, 4);
        QVERIFY(!merged.evaluation);
        QVERIFY(merged.config.data.path.find(" + ") != std::string::npos);
        QCOMPARE(merged.points.size(), m_single.points.size());
        for (size_t i = 0; i < merged.points.size(); ++i) {
            const PointStatistics& m = merged.points[i].stats;
            const PointStatistics& s = m_single.points[i].stats;
            const QByteArray name = QByteArray::fromStdString(merged.points[i].name);
            QVERIFY2(m.count == s.count && m.nan == s.nan && m.inf == s.inf, name.constData());
            QVERIFY2(sameBits({m.min, m.max}, {s.min, s.max}), name.constData());
            QVERIFY2(sameDouble(m.mean, s.mean) && sameDouble(m.std, s.std), name.constData()); // same sums in the same order
            QCOMPARE(m.batches.size(), s.batches.size());
            for (size_t b = 0; b < m.batches.size(); ++b) {
                QVERIFY(sameBits({m.batches[b].min, m.batches[b].max}, {s.batches[b].min, s.batches[b].max}));
                QCOMPARE(m.batches[b].count, s.batches[b].count);
                QVERIFY(sameDouble(m.batches[b].sum, s.batches[b].sum));
                QVERIFY(sameBits(m.batches[b].absHistogram.counts(), s.batches[b].absHistogram.counts()));
            }
            QCOMPARE(m.shape, s.shape);
            // Same grid (both grown from A's first batch by doubling), same total.
            QCOMPARE(m.histogram.lo, s.histogram.lo);
            QCOMPARE(m.histogram.hi, s.histogram.hi);
            QCOMPARE(m.histogram.counts.size(), s.histogram.counts.size());
            QVERIFY2(std::fabs(m.histogram.total() - s.histogram.total()) <= 1e-9 * s.histogram.total(), name.constData());
            QCOMPARE(s.histogram.total(), double(s.count));
            // Placement: B's bins were re-binned onto the common grid; at any edge the
            // cumulative counts differ by at most one of B's bins.
            const auto& bHist = m_b.points[i].stats.histogram.counts;
            const double tolerance = *std::max_element(bHist.begin(), bHist.end()) + 1e-6;
            double cm = 0, cs = 0, worst = 0;
            for (size_t k = 0; k < m.histogram.counts.size(); ++k) {
                cm += m.histogram.counts[k];
                cs += s.histogram.counts[k];
                worst = std::max(worst, std::fabs(cm - cs));
            }
            QVERIFY2(worst <= tolerance, QByteArray(name + " cdf off by " + QByteArray::number(worst) + " > "
                                                    + QByteArray::number(tolerance)).constData());
        }
    }

    // Observers: the per-batch ones (min_max with its order-dependent EMA, percentile, ...)
    // and running_min_max equal one run bit for bit; the others are dropped with a note per point.
    void observersEqualOneRun()
    {
        std::vector<std::string> notes;
        ObserverBank mergedBank;
        CalibrationResult merged =
            mergeSessions({m_a, m_b}, {&m_aBank, &m_bBank}, &mergedBank, &notes, {"a.cscope", "b.cscope"});
        const std::set<std::string> unmergeable{"torch_histogram", "hist_percentile", "hist_entropy", "hist_mse"};
        int compared = 0;
        for (size_t i = 0; i < merged.points.size(); ++i) {
            const PointCalibration& m = merged.points[i];
            const PointCalibration& s = m_single.points[i];
            QVERIFY2(same(m.result, s.result),
                     QByteArray(QByteArray::fromStdString(m.name) + ": " + show(m.result) + " vs " + show(s.result)).constData());
            for (const auto& [name, result] : s.compare) {
                const bool kept = m.compare.count(name) > 0;
                QVERIFY2(kept != (unmergeable.count(name) > 0), (m.name + " " + name).c_str());
                if (!kept)
                    continue;
                QVERIFY2(same(m.compare.at(name), result),
                         QByteArray(QByteArray::fromStdString(m.name + " " + name) + ": " + show(m.compare.at(name)) + " vs "
                                    + show(result)).constData());
                ++compared;
            }
            // Said per point, in the notes and in the session's warnings.
            bool noted = false;
            for (const auto& n : notes)
                noted = noted || (n.find("point " + m.name + ":") == 0 && n.find("hist_entropy") != std::string::npos);
            QVERIFY2(noted, m.name.c_str());
        }
        QVERIFY(compared >= int(merged.points.size()) * 8);
        QVERIFY(std::find(merged.warnings.begin(), merged.warnings.end(), notes.front()) != merged.warnings.end());
        bool reasonGiven = false;
        for (const auto& n : notes)
            reasonGiven = reasonGiven || n.find("torch_histogram cannot be merged: ") == 0;
        QVERIFY(reasonGiven);

        // The merged live observers retune like one run's.
        CalibrationResult single = m_single;
        ObserverBank singleBank = m_singleBank.clone();
        const std::string point = merged.points[3].name;
        QCOMPARE(retunePoint(merged, mergedBank, point, {{"averaging_constant", 0.5}}), RetuneOutcome::Recomputed);
        QCOMPARE(retunePoint(single, singleBank, point, {{"averaging_constant", 0.5}}), RetuneOutcome::Recomputed);
        QVERIFY(same(merged.point(point)->result, single.point(point)->result));
        ObserverConfig percentile = merged.point(point)->config;
        percentile.name = "percentile";
        percentile.params = {{"percentile", 99.5}};
        QCOMPARE(applyPointConfig(merged, mergedBank, point, percentile), RetuneOutcome::Recomputed);
        QCOMPARE(applyPointConfig(single, singleBank, point, percentile), RetuneOutcome::Recomputed);
        QVERIFY2(same(merged.point(point)->result, single.point(point)->result),
                 QByteArray(show(merged.point(point)->result) + " vs " + show(single.point(point)->result)).constData());

        // And survive the session file.
        const std::string path = m_dir.filePath(QStringLiteral("merged.cscope")).toStdString();
        saveSession(merged, mergedBank, path);
        ObserverBank loadedBank;
        const CalibrationResult loaded = loadSession(path, &loadedBank);
        QVERIFY(loadedBank.points.size() == merged.points.size());
        QVERIFY(same(loaded.point(point)->result, merged.point(point)->result));
    }

    // Three shards merge in argument order (A, B, C), like one run over all three.
    void threeShardsInOrder()
    {
        ObserverBank cBank;
        const CalibrationResult c = runCalibration(shardConfig(59128, 32), {}, &cBank);
        const CalibrationResult single = runCalibration(shardConfig(59000, 160));
        const CalibrationResult merged = mergeSessions({m_a, m_b, c}, {&m_aBank, &m_bBank, &cBank});
        QCOMPARE(merged.batches, 5);
        for (size_t i = 0; i < merged.points.size(); ++i) {
            QVERIFY(same(merged.points[i].result, single.points[i].result));
            QVERIFY(same(merged.points[i].compare.at("percentile"), single.points[i].compare.at("percentile")));
            QVERIFY(same(merged.points[i].compare.at("pact2"), single.points[i].compare.at("pact2")));
        }
        // Another order is another EMA: B then A differs from A then B somewhere.
        const CalibrationResult reversed = mergeSessions({m_b, m_a}, {&m_bBank, &m_aBank});
        bool differs = false;
        for (size_t i = 0; i < reversed.points.size(); ++i)
            differs = differs || !same(reversed.points[i].result, m_single.points[i].result);
        QVERIFY(differs);
    }

    void mismatchesAreErrors()
    {
        auto expectError = [](const std::vector<CalibrationResult>& sessions, const char* needle) {
            try {
                mergeSessions(sessions, {}, nullptr, nullptr, {"a.cscope", "b.cscope"});
            } catch (const CalibError& e) {
                QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
                QVERIFY2(std::string(e.what()).find("b.cscope") != std::string::npos, e.what());
                return;
            }
            QFAIL(needle);
        };
        CalibrationResult other = m_b;
        other.model.sha256 = std::string(64, '0');
        expectError({m_a, other}, "another model");
        other = m_b;
        other.config.histogramBins = 1024;
        expectError({m_a, other}, "histogram bins differ (1024 vs 2048)");
        other = m_b;
        other.points[2].config.params["averaging_constant"] = 0.5;
        expectError({m_a, other}, ("point " + m_b.points[2].name + " uses").c_str());
        other = m_b;
        other.points.pop_back();
        expectError({m_a, other}, "quantization points instead of");
        other = m_b;
        other.config.data.preprocess.mean = {0.5};
        expectError({m_a, other}, "preprocessing differs");
        other = m_b;
        other.weights[0].folded.max[0] += 1.0f;
        expectError({m_a, other}, "weight ranges");
        // Corrupt histogram bounds or extremes end in an error naming the shard, not a spin.
        const double inf = std::numeric_limits<double>::infinity();
        for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{
                 {-inf, inf}, {-1e300, 1e300}, {std::nan(""), 1.0}, {0.0, inf}, {1.0, -1.0}}) {
            other = m_b;
            other.points[1].stats.histogram.lo = lo;
            other.points[1].stats.histogram.hi = hi;
            expectError({m_a, other}, "histogram of point");
        }
        other = m_b;
        other.points[1].stats.max = std::numeric_limits<float>::infinity();
        expectError({m_a, other}, "histogram of point");
        QVERIFY_THROWS_EXCEPTION(CalibError, mergeSessions({m_a}, {&m_aBank}));
    }

    // States merged directly: per-channel grids, and kl with unfinished intervals (caveat).
    void observerStatesDirectly()
    {
        std::mt19937 rng(7);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<std::vector<float>> batches(7, std::vector<float>(4 * 3 * 5));
        for (auto& b : batches)
            for (float& v : b)
                v = normal(rng) * 2.0f;
        const std::vector<int64_t> shape{4, 3, 5};
        auto run = [&](const std::string& name, const obs::ParamMap& params, const obs::QuantSpec& spec, size_t from,
                       size_t to) {
            auto o = obs::createObserver(name, params, spec);
            for (size_t i = from; i < to; ++i)
                o->observe(obs::TensorView(batches[i].data(), shape));
            return o;
        };
        obs::QuantSpec perChannel;
        perChannel.qscheme = obs::QScheme::PerChannelSymmetric;
        perChannel.chAxis = 1;
        for (const char* name : {"min_max", "mse", "running_min_max"}) {
            auto a = run(name, {}, perChannel, 0, 4), b = run(name, {}, perChannel, 4, 7), all = run(name, {}, perChannel, 0, 7);
            const StateMerge m = mergeObserverStates({a->saveState(), b->saveState()});
            QVERIFY2(m.state, m.why.c_str());
            QVERIFY(m.caveat.empty());
            auto merged = obs::createObserver(name, m.state->params, m.state->spec);
            merged->loadState(*m.state);
            QVERIFY2(same(merged->result(), all->result()), name);
        }
        const obs::QuantSpec perTensor;
        auto a = run("kl", {{"update_interval", 3}}, perTensor, 0, 4), b = run("kl", {{"update_interval", 3}}, perTensor, 4, 7);
        const StateMerge kl = mergeObserverStates({a->saveState(), b->saveState()});
        QVERIFY2(kl.state, kl.why.c_str());
        QVERIFY(kl.caveat.find("1 batch(es) of unfinished update_intervals") == 0);
        auto merged = obs::createObserver("kl", kl.state->params, kl.state->spec);
        merged->loadState(*kl.state);
        QCOMPARE(merged->result().batches, int64_t(6)); // 3 + 3 in complete intervals
        const StateMerge hist = mergeObserverStates({run("hist_percentile", {}, perTensor, 0, 3)->saveState(),
                                                     run("hist_percentile", {}, perTensor, 3, 7)->saveState()});
        QVERIFY(!hist.state);
        QVERIFY(hist.why.find("bin width") != std::string::npos);
        const StateMerge params = mergeObserverStates({run("percentile", {{"percentile", 99.0}}, perTensor, 0, 3)->saveState(),
                                                       run("percentile", {}, perTensor, 3, 7)->saveState()});
        QVERIFY(!params.state);
    }

    void evaluationRoundTrip()
    {
        CalibrationResult r = m_a;
        const std::string path = m_dir.filePath(QStringLiteral("evaluated.cscope")).toStdString();
        // None: loads as null, and the file has no "evaluation" key (older readers see nothing new).
        saveSession(r, m_aBank, path);
        QVERIFY(!loadSession(path).evaluation);
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!QCborValue::fromCbor(f.readAll()).toMap().contains(QLatin1String("evaluation")));
        f.close();

        const EvaluationResult e = sampleEvaluation(r);
        r.evaluation = std::make_shared<const EvaluationResult>(e);
        QVERIFY(evaluationIsCurrent(r));
        saveSession(r, m_aBank, path);
        ObserverBank loadedBank;
        const CalibrationResult loaded = loadSession(path, &loadedBank);
        QVERIFY(loaded.evaluation);
        const EvaluationResult& l = *loaded.evaluation;
        QCOMPARE(l.hasLabels, e.hasLabels);
        QCOMPARE(l.images, e.images);
        QCOMPARE(l.batches, e.batches);
        QCOMPARE(l.seconds, e.seconds);
        QVERIFY(same(l.floatMetrics, e.floatMetrics));
        QVERIFY(std::isinf(l.floatMetrics.sqnrDb) && l.floatMetrics.sqnrDb > 0);
        QVERIFY(same(l.planMetrics, e.planMetrics));
        QCOMPARE(l.points.size(), e.points.size());
        for (size_t i = 0; i < e.points.size(); ++i) {
            QCOMPARE(l.points[i].name, e.points[i].name);
            QVERIFY(same(l.points[i].local, e.points[i].local));
            QVERIFY(same(l.points[i].accumulated, e.points[i].accumulated));
        }
        QVERIFY(std::isinf(l.points[0].accumulated.sqnrDb));
        QCOMPARE(l.accuracy.size(), e.accuracy.size());
        for (size_t i = 0; i < e.accuracy.size(); ++i) {
            QCOMPARE(l.accuracy[i].label, e.accuracy[i].label);
            QVERIFY(same(l.accuracy[i].metrics, e.accuracy[i].metrics));
        }
        QCOMPARE(l.sensitivity.size(), e.sensitivity.size());
        for (size_t i = 0; i < e.sensitivity.size(); ++i) {
            QCOMPARE(l.sensitivity[i].point, e.sensitivity[i].point);
            QVERIFY(same(l.sensitivity[i].onlyThis, e.sensitivity[i].onlyThis));
            QVERIFY(same(l.sensitivity[i].allButThis, e.sensitivity[i].allButThis));
            QCOMPARE(l.sensitivity[i].drop, e.sensitivity[i].drop);
        }
        QCOMPARE(l.autoPlan.size(), size_t(1));
        QCOMPARE(l.autoPlan[0].point, e.autoPlan[0].point);
        QCOMPARE(l.autoPlan[0].observer, e.autoPlan[0].observer);
        QCOMPARE(l.autoPlan[0].localL2, e.autoPlan[0].localL2);
        QCOMPARE(l.autoPlan[0].candidates, e.autoPlan[0].candidates);
        QCOMPARE(l.autoPlan[0].reason, e.autoPlan[0].reason);
        QCOMPARE(l.nonFinite.size(), size_t(1));
        QCOMPARE(l.nonFinite[0].point, e.nonFinite[0].point);
        QCOMPARE(l.nonFinite[0].pass, e.nonFinite[0].pass);
        QCOMPARE(l.nonFinite[0].batch, 1);
        QCOMPARE(l.nonFinite[0].count, int64_t(7));
        QCOMPARE(l.sweep.size(), size_t(2));
        for (size_t i = 0; i < e.sweep.size(); ++i) {
            QCOMPARE(l.sweep[i].percentile, e.sweep[i].percentile);
            QCOMPARE(l.sweep[i].bins, e.sweep[i].bins);
            QVERIFY(same(l.sweep[i].metrics, e.sweep[i].metrics)); // NaN top-1 included
        }
        QVERIFY(std::isnan(l.sweep[1].metrics.top1));
        QCOMPARE(l.warnings, e.warnings);
        QVERIFY(l.data == e.data);
        QCOMPARE(l.maxBatches, 3);
        QCOMPARE(l.planConfigs.size(), e.planConfigs.size());
        for (const auto& [name, config] : e.planConfigs)
            QVERIFY(l.planConfigs.at(name) == config);
        QVERIFY(evaluationIsCurrent(loaded));

        // Stale once a point's configuration changes; current again when it is undone.
        CalibrationResult edited = loaded;
        ObserverBank editedBank = loadedBank.clone();
        const std::string point = edited.points[1].name;
        const ObserverConfig before = edited.points[1].config;
        ObserverConfig keepFloat = before;
        keepFloat.keepFloat = true;
        QCOMPARE(applyPointConfig(edited, editedBank, point, keepFloat), RetuneOutcome::Recomputed);
        QVERIFY(!evaluationIsCurrent(edited));
        saveSession(edited, editedBank, path);
        QVERIFY(!evaluationIsCurrent(loadSession(path)));
        QCOMPARE(applyPointConfig(edited, editedBank, point, before), RetuneOutcome::Recomputed);
        QVERIFY(evaluationIsCurrent(edited));
        edited.evaluation.reset();
        QVERIFY(!evaluationIsCurrent(edited));

        // A damaged evaluation costs only itself: the session loads, with a warning.
        {
            saveSession(loaded, loadedBank, path);
            QCborMap root = test::readSessionMap(path);
            QVERIFY(!root.isEmpty());
            QCborMap evaluation = root.value(QLatin1String("evaluation")).toMap();
            evaluation.insert(QLatin1String("plan_configs"), 7);
            root.insert(QLatin1String("evaluation"), evaluation);
            QVERIFY(test::writeSessionMap(path, root));
            const CalibrationResult damaged = loadSession(path);
            QVERIFY(!damaged.evaluation);
            QCOMPARE(damaged.points.size(), loaded.points.size());
            QVERIFY(damaged.warnings.back().find("stored evaluation could not be read") != std::string::npos);
        }

        // Merging drops it: it described another calibration.
        QVERIFY(!mergeSessions({loaded, m_b}, {&loadedBank, &m_bBank}).evaluation);
    }
};

QTEST_GUILESS_MAIN(TestSessionMerge)
#include "test_session_merge.moc"

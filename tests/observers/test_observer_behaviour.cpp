// Behaviour beyond the reference vectors: registry validation, instant retune, the fast KL
// searches against the direct formula, and bad input.

#include "core/observers/histogram.h"
#include "core/observers/kl_search.h"
#include "core/observers/mse_search.h"
#include "core/observers/observer_registry.h"
#include "core/observers/quant_math.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

using namespace cs::obs;

namespace {

struct Batch {
    std::vector<float> data;
    std::vector<int64_t> shape;
    TensorView view() const { return TensorView(data.data(), shape); }
};

std::vector<Batch> randomBatches(int count, int64_t n, unsigned seed, bool positive = false) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<Batch> out;
    for (int b = 0; b < count; ++b) {
        Batch batch{std::vector<float>(static_cast<std::size_t>(n)), {n}};
        const float spread = 1.0f + 0.1f * static_cast<float>(b % 7);
        for (float& v : batch.data) {
            v = normal(rng) * spread;
            if (positive) v = std::fabs(v);
        }
        // a few outliers so that clipping parameters matter
        batch.data[static_cast<std::size_t>(b) % batch.data.size()] = 12.0f + static_cast<float>(b);
        out.push_back(std::move(batch));
    }
    return out;
}

ObserverResult run(const std::string& name, const ParamMap& p, const QuantSpec& spec, const std::vector<Batch>& batches) {
    auto o = createObserver(name, p, spec);
    for (const Batch& b : batches) o->observe(b.view());
    return o->result();
}

bool sameResult(const ObserverResult& a, const ObserverResult& b) {
    return a.min == b.min && a.max == b.max && a.scale == b.scale && a.zeroPoint == b.zeroPoint &&
           a.hasStatistics == b.hasStatistics && a.extras == b.extras;
}

QByteArray describe(const ObserverResult& r) {
    QByteArray s = "min " + QByteArray::number(r.min.empty() ? 0.0 : r.min[0], 'g', 9) + " max " +
                   QByteArray::number(r.max.empty() ? 0.0 : r.max[0], 'g', 9) + " scale " +
                   QByteArray::number(r.scale.empty() ? 0.0 : r.scale[0], 'g', 9);
    return s;
}

template <typename F>
std::string thrownMessage(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

bool finitePositive(const ObserverResult& r) {
    if (r.scale.empty()) return false;
    for (float s : r.scale)
        if (!std::isfinite(s) || s <= 0.0f) return false;
    for (float v : r.min)
        if (!std::isfinite(v)) return false;
    for (float v : r.max)
        if (!std::isfinite(v)) return false;
    return true;
}

// Random histograms of the shapes the searches meet: dense bells, sparse spikes, long
// tails, empty regions, and degenerate ones.
std::vector<double> randomHistogram(std::mt19937& rng, int kind, int bins) {
    std::vector<double> h(static_cast<std::size_t>(bins), 0.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    switch (kind % 6) {
    case 0:  // half-normal counts
        for (int i = 0; i < bins; ++i) h[static_cast<std::size_t>(i)] = std::floor(1e4 * std::exp(-std::pow(i / (0.25 * bins), 2)) + 3 * u(rng));
        break;
    case 1:  // sparse random spikes
        for (int k = 0; k < bins / 20; ++k) h[static_cast<std::size_t>(rng() % static_cast<unsigned>(bins))] += std::floor(1 + 50 * u(rng));
        break;
    case 2:  // exponential with a long empty tail and one outlier
        for (int i = 0; i < bins / 3; ++i) h[static_cast<std::size_t>(i)] = std::floor(5e3 * std::exp(-i / 40.0));
        h[static_cast<std::size_t>(bins - 1)] = 1;
        break;
    case 3:  // single occupied bin (constant data)
        h[static_cast<std::size_t>(rng() % static_cast<unsigned>(bins))] = 1000;
        break;
    case 4:  // uniform noise with holes
        for (auto& v : h) v = u(rng) < 0.3 ? 0.0 : std::floor(100 * u(rng));
        break;
    default:  // ReLU-like: a spike at zero plus a bell
        h[0] = 5e4;
        for (int i = 1; i < bins; ++i) h[static_cast<std::size_t>(i)] = std::floor(800 * std::exp(-std::pow((i - bins / 4.0) / (0.1 * bins), 2)));
        break;
    }
    return h;
}

// `trials` random histograms of 2048, `second` or `third` bins in turn, of the shape randomHistogram
// gives each trial number.
std::vector<std::vector<double>> trialHistograms(unsigned seed, int trials, int second, int third) {
    std::mt19937 rng(seed);
    std::vector<std::vector<double>> out;
    for (int trial = 0; trial < trials; ++trial)
        out.push_back(randomHistogram(rng, trial, trial % 3 == 0 ? 2048 : (trial % 3 == 1 ? second : third)));
    return out;
}

}  // namespace

class TestObserverBehaviour : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void registryListsEveryObserver();
    void validationMessages();
    void retuneEqualsFreshRun_data();
    void retuneEqualsFreshRun();
    void retuneRefusesWhatNeedsData_data();
    void retuneRefusesWhatNeedsData();
    void retuneBeforeDataAcceptsAnything();
    void fastKlEqualsDirect();
    void fastHistMseEqualsDirect();
    void fastErrorSearchEqualsDirect();
    void noBatches_data();
    void noBatches();
    void zeroConstantAndNonFinite_data();
    void zeroConstantAndNonFinite();
    void shapeProblemsAreSkipped();
    void extremeRangeGrowthStaysBounded();
    void cloneAndReset();
    void sharedScanEqualsOwnScan();
    void sharedErrorHistogramEqualsOwnHistogram();
    void signedDataKeepsItsNegativeSide_data();
    void signedDataKeepsItsNegativeSide();
    void nonNegativeDataKeepsTheUnsignedGrid_data();
    void nonNegativeDataKeepsTheUnsignedGrid();
};

void TestObserverBehaviour::registryListsEveryObserver() {
    const std::vector<std::string> expected{"min_max", "percentile", "mse", "kl", "mix", "clip", "clip_std", "fixed_scale",
                                            "running_min_max", "torch_histogram", "hist_percentile", "hist_entropy",
                                            "hist_mse", "pact2", "user_range", "weight_mse"};
    QCOMPARE(observerNames(), expected);
    const std::set<std::string> formatNames{"averaging_constant", "percentile", "bins", "stride", "update_interval", "xmin",
                                            "xmax", "std_scale", "upsample_rate", "num_bins", "start_bin",
                                            "range_shrink_activations", "power2_activation_range", "scale", "zero_point",
                                            "skip_zeros"};
    for (const ObserverInfo& info : observerRegistry()) {
        QVERIFY(!info.help.empty());
        for (const ParamSpec& p : info.params) {
            QVERIFY2(formatNames.count(p.name), p.name.c_str());
            QVERIFY2(p.defaultValue >= p.minValue && p.defaultValue <= p.maxValue, p.name.c_str());
        }
        // Defaults alone must make a working observer.
        QuantSpec spec;
        QVERIFY2(validateParams(info.name, {}, spec).empty(), info.name.c_str());
    }
}

void TestObserverBehaviour::validationMessages() {
    const QuantSpec spec;
    std::string m = thrownMessage([&] { createObserver("percentil", {}, spec); });
    QVERIFY2(m.find("unknown observer 'percentil'") != std::string::npos, m.c_str());
    QVERIFY2(m.find("hist_entropy") != std::string::npos, m.c_str());  // lists the valid names

    m = thrownMessage([&] { createObserver("percentile", {{"percentil", 99.0}}, spec); });
    QVERIFY2(m.find("no parameter 'percentil'") != std::string::npos, m.c_str());
    QVERIFY2(m.find("percentile, bins, averaging_constant") != std::string::npos, m.c_str());

    m = thrownMessage([&] { createObserver("percentile", {{"percentile", 150.0}}, spec); });
    QVERIFY2(m.find("must be in [0, 100], got 150") != std::string::npos, m.c_str());

    m = thrownMessage([&] { createObserver("kl", {{"bins", 128}}, spec); });
    QVERIFY2(m.find("[256,") != std::string::npos, m.c_str());

    m = thrownMessage([&] { createObserver("percentile", {{"bins", 100.5}}, spec); });
    QVERIFY2(m.find("must be an integer") != std::string::npos, m.c_str());

    m = thrownMessage([&] { createObserver("pact2", {{"power2_activation_range", 2}}, spec); });
    QVERIFY2(m.find("boolean") != std::string::npos, m.c_str());

    m = thrownMessage([&] { createObserver("min_max", {{"averaging_constant", std::nan("")}}, spec); });
    QVERIFY2(m.find("finite") != std::string::npos, m.c_str());

    m = thrownMessage([&] { createObserver("running_min_max", {{"bins", 3}}, spec); });
    QVERIFY2(m.find("valid parameters: none") != std::string::npos, m.c_str());

    QuantSpec perChannel;
    perChannel.qscheme = QScheme::PerChannelSymmetric;
    perChannel.chAxis = 0;
    m = thrownMessage([&] { createObserver("kl", {}, perChannel); });
    QVERIFY2(m.find("per-tensor only") != std::string::npos, m.c_str());
    QVERIFY(thrownMessage([&] { createObserver("mse", {}, perChannel); }).empty());
    perChannel.chAxis = -1;
    m = thrownMessage([&] { createObserver("min_max", {}, perChannel); });
    QVERIFY2(m.find("ch_axis") != std::string::npos, m.c_str());

    m = thrownMessage([&] { createObserver("fixed_scale", {{"zero_point", 200}}, spec); });
    QVERIFY2(m.find("[-128, 127]") != std::string::npos, m.c_str());

    QVERIFY(validateParams("clip", {{"xmin", 2.0}, {"xmax", 1.0}}, spec).find("xmin <= xmax") != std::string::npos);
    QVERIFY(validateParams("percentile", {{"percentile", 99.9}, {"bins", 1024}}, spec).empty());

    auto o = createObserver("percentile", {}, spec);
    m = thrownMessage([&] { o->retune({{"percentile", -1.0}}); });
    QVERIFY2(m.find("must be in") != std::string::npos, m.c_str());
    QCOMPARE(o->params().at("percentile"), 99.99);  // unchanged after a rejected retune
}

void TestObserverBehaviour::retuneEqualsFreshRun_data() {
    QTest::addColumn<QString>("observer");
    QTest::addColumn<QString>("param");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("positive");
    QTest::addColumn<bool>("mustChange");  // false where the data makes the change moot
    auto add = [](const char* o, const char* p, double v, bool pos = false, bool change = true) {
        QTest::addRow("%s.%s=%g", o, p, v) << QString::fromLatin1(o) << QString::fromLatin1(p) << v << pos << change;
    };
    add("percentile", "percentile", 99.9);
    add("percentile", "percentile", 95.0);
    add("percentile", "averaging_constant", 0.3);
    add("min_max", "averaging_constant", 0.5);
    add("mse", "averaging_constant", 0.2);
    add("mix", "averaging_constant", 0.2);
    add("kl", "start_bin", 200);
    add("kl", "stride", 3);
    add("kl", "averaging_constant", 0.4);
    add("clip", "xmax", 0.7);
    add("clip_std", "std_scale", 2.0);
    add("fixed_scale", "scale", 0.05);
    add("hist_percentile", "percentile", 99.0);
    add("hist_entropy", "start_bin", 3000);
    add("hist_entropy", "stride", 4);
    add("hist_mse", "start_bin", 6500);
    add("hist_mse", "stride", 7);
    add("pact2", "range_shrink_activations", 1.0);
    add("pact2", "power2_activation_range", 0);
    add("fixed_scale", "zero_point", 3);
    add("user_range", "xmax", 0.5);
    // Changes the data makes moot: the result must still equal a fresh run's.
    add("clip", "averaging_constant", 0.1, false, false);  // clamped to +-1 either way
    add("pact2", "range_shrink_activations", 0.0, true, false);  // 0.01% of 3000 drops nothing
}

void TestObserverBehaviour::retuneEqualsFreshRun() {
    QFETCH(QString, observer);
    QFETCH(QString, param);
    QFETCH(double, value);
    QFETCH(bool, positive);
    QFETCH(bool, mustChange);
    const std::string name = observer.toStdString();
    const std::vector<Batch> batches = randomBatches(30, 3000, 1234, positive);
    const QuantSpec spec;

    auto o = createObserver(name, {}, spec);
    for (const Batch& b : batches) o->observe(b.view());
    const ObserverResult before = o->result();
    QVERIFY(o->retune({{param.toStdString(), value}}));
    const ObserverResult tuned = o->result();
    const ObserverResult fresh = run(name, {{param.toStdString(), value}}, spec, batches);
    QVERIFY2(sameResult(tuned, fresh), QByteArray("retuned " + describe(tuned) + " vs fresh " + describe(fresh)).constData());
    if (mustChange) QVERIFY2(!sameResult(before, tuned), "the change should matter on this data");
    // And back again.
    QVERIFY(o->retune({{param.toStdString(), findObserver(name)->param(param.toStdString())->defaultValue}}));
    QVERIFY(sameResult(o->result(), before));
}

void TestObserverBehaviour::retuneRefusesWhatNeedsData_data() {
    QTest::addColumn<QString>("observer");
    QTest::addColumn<QString>("param");
    QTest::addColumn<double>("value");
    QTest::addRow("percentile.bins") << QStringLiteral("percentile") << QStringLiteral("bins") << 1024.0;
    QTest::addRow("mse.stride") << QStringLiteral("mse") << QStringLiteral("stride") << 2.0;
    QTest::addRow("kl.bins") << QStringLiteral("kl") << QStringLiteral("bins") << 1024.0;
    QTest::addRow("kl.update_interval") << QStringLiteral("kl") << QStringLiteral("update_interval") << 2.0;
    QTest::addRow("torch_histogram.bins") << QStringLiteral("torch_histogram") << QStringLiteral("bins") << 512.0;
    QTest::addRow("hist_entropy.num_bins") << QStringLiteral("hist_entropy") << QStringLiteral("num_bins") << 1024.0;
    QTest::addRow("hist_percentile.skip_zeros") << QStringLiteral("hist_percentile") << QStringLiteral("skip_zeros") << 1.0;
}

void TestObserverBehaviour::retuneRefusesWhatNeedsData() {
    QFETCH(QString, observer);
    QFETCH(QString, param);
    QFETCH(double, value);
    const std::vector<Batch> batches = randomBatches(4, 2000, 77);
    auto o = createObserver(observer.toStdString(), {}, QuantSpec{});
    for (const Batch& b : batches) o->observe(b.view());
    const ObserverResult before = o->result();
    const ParamMap paramsBefore = o->params();
    QVERIFY(!o->retune({{param.toStdString(), value}}));
    QVERIFY(o->params() == paramsBefore);
    QVERIFY(sameResult(o->result(), before));
    // A mixed change with one refused key is refused as a whole.
    if (observer == QLatin1String("percentile")) {
        QVERIFY(!o->retune({{"bins", 512}, {"percentile", 99.0}}));
        QVERIFY(o->params() == paramsBefore);
    }
}

void TestObserverBehaviour::retuneBeforeDataAcceptsAnything() {
    auto o = createObserver("percentile", {}, QuantSpec{});
    QVERIFY(o->retune({{"bins", 512}}));
    QCOMPARE(o->params().at("bins"), 512.0);
    const std::vector<Batch> batches = randomBatches(3, 1000, 5);
    for (const Batch& b : batches) o->observe(b.view());
    QVERIFY(sameResult(o->result(), run("percentile", {{"bins", 512}}, QuantSpec{}, batches)));
}

void TestObserverBehaviour::fastKlEqualsDirect() {
    int compared = 0;
    const std::vector<std::vector<double>> histograms = trialHistograms(2024, 36, 700, 300);
    for (int trial = 0; trial < 36; ++trial) {
        const std::vector<double>& h = histograms[static_cast<std::size_t>(trial)];
        for (KlVariant variant : {KlVariant::Nvidia, KlVariant::Horizon}) {
            for (int64_t n : {int64_t{128}, int64_t{256}}) {
                const int64_t stride = trial % 4 == 0 ? 3 : 1;
                const KlCandidates fast = klDivergences(h, n, 128, stride, variant, true);
                const KlCandidates direct = klDivergences(h, n, 128, stride, variant, false);
                QCOMPARE(fast.i, direct.i);
                for (std::size_t k = 0; k < fast.value.size(); ++k) {
                    const double f = fast.value[k], d = direct.value[k];
                    const bool ok = (std::isinf(f) && std::isinf(d)) || std::fabs(f - d) <= 1e-10 * std::max(1.0, std::fabs(d));
                    QVERIFY2(ok, qPrintable(QStringLiteral("trial %1 i %2: fast %3 direct %4").arg(trial).arg(fast.i[k]).arg(f, 0, 'g', 17).arg(d, 0, 'g', 17)));
                }
                if (variant == KlVariant::Nvidia)
                    QCOMPARE(nvidiaEntropySelect(h, n, 128, stride, true), nvidiaEntropySelect(h, n, 128, stride, false));
                else
                    QCOMPARE(horizonKlSelect(h, n, 128, stride, true), horizonKlSelect(h, n, 128, stride, false));
                ++compared;
            }
        }
    }
    // A hand-checked divergence: two bins [1, 3] kept whole with n = 1 merge to Q = [2, 2].
    const double kl = klDivergenceDirect({0.0, 1.0, 3.0}, 1, 3, KlVariant::Nvidia);  // h[0] := h[1]
    const double p0 = 1.0 / 5, p1 = 1.0 / 5, p2 = 3.0 / 5, q = 1.0 / 3;
    QVERIFY(std::fabs(kl - (p0 * std::log(p0 / q) + p1 * std::log(p1 / q) + p2 * std::log(p2 / q))) < 1e-15);
    QVERIFY(compared > 100);
}

void TestObserverBehaviour::fastHistMseEqualsDirect() {
    int compared = 0;
    const std::vector<std::vector<double>> histograms = trialHistograms(77, 48, 3001, 400);
    for (int trial = 0; trial < 48; ++trial) {
        const std::vector<double>& h = histograms[static_cast<std::size_t>(trial)];
        const int bins = static_cast<int>(h.size());
        // Edges as the histograms build them: torch linspace, sometimes grown with arange.
        const float top = 0.5f + static_cast<float>(trial);
        const std::vector<float> edges = trial % 2 ? torchLinspace(0.0f, top, bins + 1)
                                                   : torchArange(0.0, static_cast<double>(top), static_cast<double>(top) / (bins - 0.5));
        for (bool isUnsigned : {false, true})
            for (int64_t start : {int64_t{0}, int64_t{128}})
                for (int64_t stride : {int64_t{1}, int64_t{3}}) {
                    const MseChoice fast = nvidiaMseSelect(h, edges, trial % 5 == 0 ? 4 : 8, isUnsigned, start, stride, true);
                    const MseChoice direct = nvidiaMseSelect(h, edges, trial % 5 == 0 ? 4 : 8, isUnsigned, start, stride, false);
                    QVERIFY2(fast.index == direct.index,
                             qPrintable(QStringLiteral("trial %1: fast %2 direct %3").arg(trial).arg(fast.index).arg(direct.index)));
                    QCOMPARE(fast.amax, direct.amax);
                    ++compared;
                }
    }
    QVERIFY(compared > 300);
}

// The histogram-bounded search over raw data (Horizon mse and mix) picks what one full pass per
// candidate picks, on shapes that stress its bounds: zeros from a ReLU, outliers, values on
// the levels and on the rounding boundaries, duplicated candidates (ties), a tiny range.
void TestObserverBehaviour::fastErrorSearchEqualsDirect() {
    std::mt19937 rng(1234);
    int compared = 0;
    std::size_t passes = 0, searches = 0;
    for (int trial = 0; trial < 36; ++trial) {
        const std::size_t n = trial % 4 == 0 ? (std::size_t{1} << 15) : (trial % 4 == 1 ? 100003 : 300000);
        std::vector<float> x(n);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        const int shape = trial % 6;
        for (std::size_t i = 0; i < n; ++i) {
            float v = normal(rng);
            switch (shape) {
            case 0: break;
            case 1: v = std::max(v, 0.0f); break;                                     // ReLU: many exact zeros
            case 2: v = (i % 5000 == 0) ? 40.0f * v : v; break;                       // outliers
            case 3: v = std::round(v * 20.0f) / 20.0f; break;                          // few distinct values
            case 4: v = (std::round(v * 63.5f) + 0.5f) / 63.5f; break;                 // near rounding boundaries
            default: v = 1000.0f + 1e-3f * v; break;                                   // narrow range far from 0
            }
            x[i] = v;
        }
        const float mn = *std::min_element(x.begin(), x.end()), mx = *std::max_element(x.begin(), x.end());
        QuantSpec affine;
        affine.dtype = DType::QUInt8;
        affine.qscheme = QScheme::PerTensorAffine;
        for (const QuantSpec& spec : {QuantSpec{}, affine}) {
            const QuantRange range = quantRange(spec);
            for (int64_t stride : {int64_t{1}, int64_t{4}}) {
                std::vector<ErrorCandidate> cands;
                for (int64_t k = 0; k < 95; k += stride) {
                    const auto f = static_cast<float>(1.0 - 0.01 * static_cast<double>(k));
                    float scale;
                    int64_t zp;
                    calculateQParams(mn * f, mx * f, spec, scale, zp);
                    cands.push_back({scale, static_cast<float>(range.qmin - zp), static_cast<float>(range.qmax - zp)});
                    if (k % 7 == 0) cands.push_back(cands.back());  // exact ties
                }
                for (bool lastWins : {true, false}) {
                    const std::size_t fast = squaredErrorArgmin(x.data(), n, mn, mx, cands, lastWins, true);
                    passes += squaredErrorDirectPasses();
                    ++searches;
                    const std::size_t direct = squaredErrorArgmin(x.data(), n, mn, mx, cands, lastWins, false);
                    QVERIFY2(fast == direct, qPrintable(QStringLiteral("trial %1 stride %2 lastWins %3: fast %4 direct %5")
                                                            .arg(trial).arg(stride).arg(lastWins).arg(fast).arg(direct)));
                    ++compared;
                }
            }
        }
    }
    QVERIFY(compared >= 36 * 8);
    qInfo("%zu direct passes in %zu searches", passes, searches);
    // The point of the fast form: few full passes instead of one per candidate (about 60).
    QVERIFY2(passes < searches * 8, qPrintable(QStringLiteral("%1 direct passes in %2 searches").arg(passes).arg(searches)));
}

void TestObserverBehaviour::noBatches_data() {
    QTest::addColumn<QString>("observer");
    for (const std::string& n : observerNames()) QTest::addRow("%s", n.c_str()) << QString::fromStdString(n);
}

void TestObserverBehaviour::noBatches() {
    QFETCH(QString, observer);
    auto o = createObserver(observer.toStdString(), {}, QuantSpec{});
    const ObserverResult r = o->result();
    if (needsNoStatistics(observer.toStdString())) {
        QVERIFY(r.hasStatistics);  // needs none
        return;
    }
    QVERIFY(!r.hasStatistics);
    QVERIFY(r.min.empty() && r.max.empty());
    QCOMPARE(r.scale, std::vector<float>{1.0f});
    QCOMPARE(r.zeroPoint, std::vector<int64_t>{0});
    QVERIFY(!r.warning.empty());
    // Empty and all-NaN batches do not count as statistics either.
    const std::vector<float> nan(8, std::numeric_limits<float>::quiet_NaN());
    o->observe(TensorView(nan.data(), {8}));
    o->observe(TensorView(nan.data(), {0}));
    const ObserverResult r2 = o->result();
    QVERIFY(!r2.hasStatistics);
    QCOMPARE(r2.nonFinite, int64_t{8});
    QCOMPARE(r2.scale, std::vector<float>{1.0f});
}

void TestObserverBehaviour::zeroConstantAndNonFinite_data() {
    QTest::addColumn<QString>("observer");
    QTest::addColumn<bool>("perChannel");
    for (const ObserverInfo& i : observerRegistry()) {
        QTest::addRow("%s", i.name.c_str()) << QString::fromStdString(i.name) << false;
        if (i.supportsPerChannel) QTest::addRow("%s/per-channel", i.name.c_str()) << QString::fromStdString(i.name) << true;
    }
}

void TestObserverBehaviour::zeroConstantAndNonFinite() {
    QFETCH(QString, observer);
    QFETCH(bool, perChannel);
    const std::string name = observer.toStdString();
    QuantSpec spec;
    if (perChannel) {
        spec.qscheme = QScheme::PerChannelSymmetric;
        spec.chAxis = 1;
    }
    const std::vector<int64_t> shape{4, 3, 50};
    const std::size_t n = 600;

    for (float constant : {0.0f, 3.0f, -2.5f}) {
        const std::vector<float> x(n, constant);
        auto o = createObserver(name, {}, spec);
        o->observe(TensorView(x.data(), shape));
        o->observe(TensorView(x.data(), shape));
        const ObserverResult r = o->result();
        QVERIFY2(finitePositive(r), qPrintable(QStringLiteral("constant %1: ").arg(constant) + QString::fromLatin1(describe(r))));
        QVERIFY(r.hasStatistics);
    }

    // NaN/Inf are ignored: per tensor the result equals the run without them.
    std::vector<float> clean = randomBatches(1, static_cast<int64_t>(n), 99)[0].data;
    std::vector<float> dirty = clean;
    dirty[3] = std::numeric_limits<float>::quiet_NaN();
    dirty[100] = std::numeric_limits<float>::infinity();
    dirty[599] = -std::numeric_limits<float>::infinity();
    auto o = createObserver(name, {}, spec);
    o->observe(TensorView(dirty.data(), shape));
    const ObserverResult r = o->result();
    QVERIFY(finitePositive(r));
    QCOMPARE(r.nonFinite, int64_t{3});
    QVERIFY(r.warning.find("non-finite") != std::string::npos);
    if (!perChannel) {
        std::vector<float> kept;
        for (float v : dirty)
            if (std::isfinite(v)) kept.push_back(v);
        auto ref = createObserver(name, {}, spec);
        ref->observe(TensorView(kept.data(), {static_cast<int64_t>(kept.size())}));
        QVERIFY(sameResult(r, ref->result()));
    }
}

void TestObserverBehaviour::shapeProblemsAreSkipped() {
    QuantSpec spec;
    spec.qscheme = QScheme::PerChannelAffine;
    spec.chAxis = 2;
    auto o = createObserver("min_max", {}, spec);
    const std::vector<float> x(24, 1.0f);
    o->observe(TensorView(x.data(), {4, 6}));  // no axis 2
    QVERIFY(!o->result().hasStatistics);
    o->observe(TensorView(x.data(), {2, 3, 4}));
    QCOMPARE(o->result().scale.size(), std::size_t{4});
    o->observe(TensorView(x.data(), {2, 4, 3}));  // 3 channels instead of 4
    const ObserverResult r = o->result();
    QCOMPARE(r.batches, int64_t{1});
    QVERIFY(r.warning.find("channels instead of") != std::string::npos);
}

void TestObserverBehaviour::extremeRangeGrowthStaysBounded() {
    // A first batch of tiny values followed by normal ones would need ~1e9 bins of the
    // first width; subnormal values make that width underflow to 0.
    for (float tiny : {1e-6f, 1e-44f}) {
        for (const char* name : {"hist_percentile", "hist_entropy", "hist_mse", "kl"}) {
            auto o = createObserver(name, {{name == std::string("kl") ? "update_interval" : "num_bins", 2}}, QuantSpec{});
            std::vector<Batch> batches = randomBatches(2, 4096, 11);
            for (float& v : batches[0].data) v *= tiny;
            for (const Batch& b : batches) o->observe(b.view());
            const ObserverResult r = o->result();
            QVERIFY2(finitePositive(r), name);
            QVERIFY2(r.max[0] > 1.0f, name);  // the normal batch dominates
            if (tiny > 1e-30f) QVERIFY2(r.warning.find("merged") != std::string::npos, r.warning.c_str());
        }
    }
}

void TestObserverBehaviour::cloneAndReset() {
    const std::vector<Batch> batches = randomBatches(6, 1500, 3);
    for (const std::string& name : observerNames()) {
        auto o = createObserver(name, {}, QuantSpec{});
        for (int i = 0; i < 3; ++i) o->observe(batches[static_cast<std::size_t>(i)].view());
        auto c = o->clone();
        QVERIFY(sameResult(c->result(), o->result()));
        for (int i = 3; i < 6; ++i) c->observe(batches[static_cast<std::size_t>(i)].view());
        QVERIFY(sameResult(c->result(), run(name, {}, QuantSpec{}, batches)));
        o->reset();
        QCOMPARE(o->batchesObserved(), int64_t{0});
        for (const Batch& b : batches) o->observe(b.view());
        QVERIFY2(sameResult(o->result(), c->result()), name.c_str());
    }
}

// Compare mode scans each batch once for all observers: that must change nothing, also with
// NaN/Inf in a batch, per channel, and with batches big enough for the fast error searches.
void TestObserverBehaviour::sharedScanEqualsOwnScan() {
    std::vector<Batch> batches = randomBatches(4, 40000, 11);
    batches[1].data[17] = std::numeric_limits<float>::quiet_NaN();
    batches[2].data[5] = -std::numeric_limits<float>::infinity();
    for (Batch& b : batches) b.shape = {4, 10000};
    QuantSpec perChannel;
    perChannel.qscheme = QScheme::PerChannelSymmetric;
    perChannel.chAxis = 0;
    for (const std::string& name : observerNames())
        for (const QuantSpec& spec : {QuantSpec{}, perChannel}) {
            if (!validateParams(name, {}, spec).empty()) continue;
            auto own = createObserver(name, {}, spec), shared = createObserver(name, {}, spec);
            for (const Batch& b : batches) {
                own->observe(b.view());
                shared->observe(b.view(), Observer::scan(b.view()));
            }
            QVERIFY2(sameResult(own->result(), shared->result()), name.c_str());
        }
}

// Compare mode lets mse and mix share one moment histogram per batch: every observer's
// result stays the same, the two searches build one histogram instead of two, and data that
// changes at the same address after the scope ends gets a histogram of its own.
void TestObserverBehaviour::sharedErrorHistogramEqualsOwnHistogram() {
    std::vector<Batch> batches = randomBatches(4, 40000, 23);
    batches[2].data[9] = std::numeric_limits<float>::quiet_NaN();  // a filtered copy: no sharing
    for (Batch& b : batches) b.shape = {4, 10000};
    for (const std::string& name : observerNames()) {
        if (!validateParams(name, {}, QuantSpec{}).empty()) continue;
        auto own = createObserver(name, {}, QuantSpec{}), shared = createObserver(name, {}, QuantSpec{});
        auto mse = createObserver("mse", {}, QuantSpec{});
        for (const Batch& b : batches) {
            own->observe(b.view());
            const SharedErrorHistogramScope scope(b.view().data, b.view().numel());
            mse->observe(b.view(), Observer::scan(b.view()));  // builds it first
            shared->observe(b.view(), Observer::scan(b.view()));
        }
        QVERIFY2(sameResult(own->result(), shared->result()), name.c_str());
    }
    auto mse = createObserver("mse", {}, QuantSpec{}), mix = createObserver("mix", {}, QuantSpec{});
    auto mse2 = createObserver("mse", {}, QuantSpec{});
    Batch b = batches[0];
    std::size_t before = squaredErrorHistogramBuilds();
    {
        const SharedErrorHistogramScope scope(b.view().data, b.view().numel());
        mse->observe(b.view(), Observer::scan(b.view()));
        mix->observe(b.view(), Observer::scan(b.view()));
    }
    QCOMPARE(squaredErrorHistogramBuilds() - before, std::size_t(1));
    // The same address with other values (and the same min and max), after the scope: rebuilt.
    std::swap(b.data[100], b.data[200]);
    for (std::size_t i = 0; i < b.data.size(); i += 7) b.data[i] *= 0.5f;
    before = squaredErrorHistogramBuilds();
    {
        const SharedErrorHistogramScope scope(b.view().data, b.view().numel());
        mse->observe(b.view(), Observer::scan(b.view()));
    }
    mse2->observe(batches[0].view());
    mse2->observe(b.view());
    QCOMPARE(squaredErrorHistogramBuilds() - before, std::size_t(3));
    QVERIFY(sameResult(mse->result(), mse2->result()));
}

namespace {
// Observers whose range the user sets: their range is the user's, not the data's.
bool userSetRange(const std::string& name) { return rangeSetByUser(name); }

void addEveryObserverDtypeScheme() {
    QTest::addColumn<QString>("observer");
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("qscheme");
    for (const ObserverInfo& info : observerRegistry()) {
        if (userSetRange(info.name)) continue;
        for (const std::string& d : dtypeNames())
            for (QScheme q : {QScheme::PerTensorSymmetric, QScheme::PerTensorAffine}) {
                const std::string row = info.name + "/" + d + "/" + toString(q);
                QTest::newRow(row.c_str()) << QString::fromStdString(info.name) << int(*dtypeFromString(d)) << int(q);
            }
    }
}

// The spec of the current addEveryObserverDtypeScheme row.
QuantSpec fetchedSpec() {
    QFETCH(int, dtype);
    QFETCH(int, qscheme);
    QuantSpec spec;
    spec.dtype = static_cast<DType>(dtype);
    spec.qscheme = static_cast<QScheme>(qscheme);
    return spec;
}
}  // namespace

void TestObserverBehaviour::signedDataKeepsItsNegativeSide_data() { addEveryObserverDtypeScheme(); }

// Data with a negative side: whatever the dtype (unsigned included) and scheme, the reported
// range and the integer grid reach well into the negative side.
void TestObserverBehaviour::signedDataKeepsItsNegativeSide()
{
    QFETCH(QString, observer);
    const QuantSpec spec = fetchedSpec();
    std::vector<Batch> batches = randomBatches(6, 4096, 11);
    float dataMin = 0.0f;
    for (Batch& b : batches) {
        b.data[7] = -9.0f;  // a clear negative tail, as deep as the positive outliers
        for (float v : b.data) dataMin = std::min(dataMin, v);
    }
    const ObserverResult r = run(observer.toStdString(), {}, spec, batches);
    QVERIFY(r.hasStatistics);
    QCOMPARE(r.scale.size(), std::size_t{1});
    const QuantRange range = quantRange(spec);
    const double gridMin = static_cast<double>(range.qmin - r.zeroPoint[0]) * r.scale[0];
    const double gridMax = static_cast<double>(range.qmax - r.zeroPoint[0]) * r.scale[0];
    QVERIFY2(!r.min.empty() && r.min[0] < 0.0f, describe(r));
    const QByteArray what = describe(r) + " grid min " + QByteArray::number(gridMin) + " data min " + QByteArray::number(dataMin);
    QVERIFY2(gridMin <= 0.25 * dataMin, what.constData());
    QVERIFY2(gridMax > 0.0, describe(r));
}

void TestObserverBehaviour::nonNegativeDataKeepsTheUnsignedGrid_data() { addEveryObserverDtypeScheme(); }

// Non-negative data on an unsigned dtype: the amax observers keep the whole unsigned grid for
// [0, amax] (zero point 0), as NVIDIA's and TI's unsigned modes do.
void TestObserverBehaviour::nonNegativeDataKeepsTheUnsignedGrid()
{
    QFETCH(QString, observer);
    const QuantSpec spec = fetchedSpec();
    const ObserverResult r = run(observer.toStdString(), {}, spec, randomBatches(6, 4096, 12, true));
    QVERIFY(r.hasStatistics);
    const QuantRange range = quantRange(spec);
    const double gridMax = static_cast<double>(range.qmax - r.zeroPoint[0]) * r.scale[0];
    QVERIFY2(gridMax > 0.0, describe(r));
    const std::string name = observer.toStdString();
    const bool amaxObserver = name == "hist_percentile" || name == "hist_entropy" || name == "hist_mse" || name == "pact2";
    if (amaxObserver && !isSigned(spec.dtype)) {
        QCOMPARE(r.zeroPoint[0], int64_t{0});
        QVERIFY2(r.min[0] >= 0.0f, describe(r).constData());
    }
}

QTEST_GUILESS_MAIN(TestObserverBehaviour)
#include "test_observer_behaviour.moc"

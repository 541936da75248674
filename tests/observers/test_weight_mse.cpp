// weight_mse on hand-built weights: per channel (and per tensor) its clip is the one a
// brute-force search over the same 100 candidate ranges picks, its quantization error is never
// above min_max's, and a channel with one outlier gets a clip below its max.
#include "core/observers/observer_registry.h"
#include "core/observers/quant_math.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace cs::obs;

namespace {

constexpr int64_t kChannels = 6;
constexpr int64_t kPerChannel = 256;

// Rows of a linear weight [6, 256]: gaussian, uniform, a narrow gaussian, one outlier among
// small values, all-zero, and a negative-only row.
std::vector<float> handBuiltWeight()
{
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 0.1f);
    std::uniform_real_distribution<float> uniform(-0.3f, 0.3f);
    std::vector<float> w(size_t(kChannels * kPerChannel));
    for (int64_t i = 0; i < kPerChannel; ++i) {
        w[size_t(0 * kPerChannel + i)] = normal(rng);
        w[size_t(1 * kPerChannel + i)] = uniform(rng);
        w[size_t(2 * kPerChannel + i)] = 0.01f * normal(rng);
        w[size_t(3 * kPerChannel + i)] = normal(rng);
        w[size_t(4 * kPerChannel + i)] = 0.0f;
        w[size_t(5 * kPerChannel + i)] = -std::abs(normal(rng));
    }
    w[size_t(3 * kPerChannel + 17)] = 0.5f; // the outlier: five standard deviations
    return w;
}

// Σ (x - fq(x))² with the grid of (mn, mx) under `spec`, as PyTorch fake-quantizes.
double torchError(const float* x, size_t n, float mn, float mx, const QuantSpec& spec)
{
    float scale;
    int64_t zp;
    calculateQParams(mn, mx, spec, scale, zp);
    const QuantRange range = quantRange(spec);
    double e = 0;
    for (size_t i = 0; i < n; ++i) {
        const double d = double(x[i]) - double(fakeQuantize(x[i], scale, zp, range));
        e += d * d;
    }
    return e;
}

// The brute-force search: every candidate's error by a direct loop, the first minimum wins.
void bruteForce(const float* x, size_t n, const QuantSpec& spec, float& bestMin, float& bestMax)
{
    float mn = x[0], mx = x[0];
    for (size_t i = 0; i < n; ++i) {
        mn = std::min(mn, x[i]);
        mx = std::max(mx, x[i]);
    }
    const QuantRange range = quantRange(spec);
    double best = std::numeric_limits<double>::infinity();
    for (int k = 0; k < 100; ++k) {
        const auto f = float(1.0 - 0.5 * k / 99.0);
        float scale;
        int64_t zp;
        calculateQParams(mn * f, mx * f, spec, scale, zp);
        double e = 0;
        for (size_t i = 0; i < n; ++i) {
            const double d = double(x[i]) - double(fakeQuantizeDivide(x[i], scale, zp, range));
            e += d * d;
        }
        if (e < best) {
            best = e;
            bestMin = mn * f;
            bestMax = mx * f;
        }
    }
}

} // namespace

class TestWeightMse : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void isRegisteredAsAPerChannelObserver()
    {
        const ObserverInfo* info = findObserver("weight_mse");
        QVERIFY(info);
        QVERIFY(info->supportsPerChannel);
        QuantSpec spec;
        spec.qscheme = QScheme::PerChannelSymmetric;
        spec.chAxis = 0;
        QVERIFY(validateParams("weight_mse", {}, spec).empty());
    }

    void equalsBruteForceAndBeatsMinMax_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<int>("qscheme");
        QTest::addColumn<bool>("powerOfTwo");
        for (DType d : {DType::QInt4, DType::QInt8, DType::QInt16})
            for (QScheme q : {QScheme::PerChannelSymmetric, QScheme::PerTensorSymmetric})
                QTest::addRow("%s/%s", toString(d).c_str(), toString(q).c_str()) << int(d) << int(q) << false;
        QTest::addRow("qint8/per_channel_symmetric/power_of_two")
            << int(DType::QInt8) << int(QScheme::PerChannelSymmetric) << true;
        QTest::addRow("qint8/per_channel_affine") << int(DType::QInt8) << int(QScheme::PerChannelAffine) << false;
    }

    void equalsBruteForceAndBeatsMinMax()
    {
        QFETCH(int, dtype);
        QFETCH(int, qscheme);
        QFETCH(bool, powerOfTwo);
        QuantSpec spec;
        spec.dtype = DType(dtype);
        spec.qscheme = QScheme(qscheme);
        spec.powerOfTwo = powerOfTwo;
        spec.chAxis = spec.perChannel() ? 0 : -1;
        const std::vector<float> w = handBuiltWeight();
        const TensorView view(w.data(), {kChannels, kPerChannel});
        auto mse = createObserver("weight_mse", {}, spec);
        auto minMax = createObserver("min_max", {}, spec);
        mse->observe(view);
        minMax->observe(view);
        const ObserverResult r = mse->result(), m = minMax->result();
        QVERIFY(r.hasStatistics);
        const size_t groups = spec.perChannel() ? size_t(kChannels) : 1;
        const size_t per = w.size() / groups;
        QCOMPARE(r.min.size(), groups);
        bool someClipBelowMax = false;
        for (size_t c = 0; c < groups; ++c) {
            const float* x = w.data() + c * per;
            float bfMin = 0, bfMax = 0;
            bruteForce(x, per, spec, bfMin, bfMax);
            QVERIFY2(r.min[c] == bfMin && r.max[c] == bfMax,
                     qPrintable(QStringLiteral("channel %1: [%2, %3], brute force [%4, %5]")
                                    .arg(c).arg(r.min[c]).arg(r.max[c]).arg(bfMin).arg(bfMax)));
            const double eMse = torchError(x, per, r.min[c], r.max[c], spec);
            const double eMinMax = torchError(x, per, m.min[c], m.max[c], spec);
            QVERIFY2(eMse <= eMinMax * (1.0 + 1e-9) + 1e-30,
                     qPrintable(QStringLiteral("channel %1: %2 > min_max's %3").arg(c).arg(eMse).arg(eMinMax)));
            someClipBelowMax = someClipBelowMax || r.max[c] < m.max[c] || r.min[c] > m.min[c];
        }
        // The grids themselves: the scales the observer reports are those of its ranges.
        const QParams q = calculateQParams(r.min, r.max, spec);
        QCOMPARE(r.scale, q.scale);
        if (spec.dtype == DType::QInt4)
            QVERIFY2(someClipBelowMax, "on a 4-bit grid some channel must clip");
    }

    // One outlier five standard deviations out: on a 4-bit grid the clip goes well below it.
    void outlierChannelClipsBelowItsMax()
    {
        QuantSpec spec;
        spec.dtype = DType::QInt4;
        spec.qscheme = QScheme::PerChannelSymmetric;
        spec.chAxis = 0;
        const std::vector<float> w = handBuiltWeight();
        auto o = createObserver("weight_mse", {}, spec);
        o->observe(TensorView(w.data(), {kChannels, kPerChannel}));
        const ObserverResult r = o->result();
        QVERIFY2(r.max[3] < 0.5f * 0.95f, qPrintable(QStringLiteral("outlier row clipped at %1").arg(r.max[3])));
        // The all-zero row keeps a finite, positive scale.
        QVERIFY(std::isfinite(r.scale[4]) && r.scale[4] > 0.0f);
        // The negative-only row keeps its negative side.
        QVERIFY(r.min[5] < 0.0f);
    }
};

QTEST_GUILESS_MAIN(TestWeightMse)
#include "test_weight_mse.moc"

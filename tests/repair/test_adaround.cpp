// AdaRound on hand-built layers: the learnt rounding lowers the layer's output error below
// nearest rounding, the weight ends exactly on its grid, and bad input, NaN and cancel are
// refused with the layer named.
#include "repair_test_support.h"

#include "core/errors.h"
#include "core/repair/adaround.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace cs;

namespace {

std::vector<float> normal(size_t n, uint64_t seed, float sigma = 1.0f)
{
    return test::normalSamples<std::mt19937_64>(n, seed, sigma);
}

// qint4 per-channel symmetric along axis 0, as PyTorch derives it from min/max.
FakeQuantParams qint4PerChannel(const std::vector<float>& w, int64_t channels)
{
    FakeQuantParams q;
    q.quantMin = -8;
    q.quantMax = 7;
    q.chAxis = 0;
    const size_t per = w.size() / size_t(channels);
    for (int64_t c = 0; c < channels; ++c) {
        float amax = 0;
        for (size_t i = 0; i < per; ++i)
            amax = std::max(amax, std::fabs(w[size_t(c) * per + i]));
        q.scale.push_back(amax / 7.5f);
        q.zeroPoint.push_back(0);
    }
    return q;
}

// The inputs as an int8-quantized previous layer would hand them over.
std::vector<float> quantized(const std::vector<float>& x, float scale)
{
    std::vector<float> q(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        q[i] = std::clamp(std::nearbyint(x[i] / scale), -128.0f, 127.0f) * scale;
    return q;
}

AdaRoundLayerInput convLayer()
{
    AdaRoundLayerInput in;
    in.name = "conv";
    in.weightShape = {16, 8, 3, 3};
    in.weight = normal(16 * 8 * 9, 1, 0.2f);
    in.bias = normal(16, 2, 0.1f);
    in.geometry.stride = {1, 1};
    in.geometry.padding = {1, 1};
    in.geometry.dilation = {1, 1};
    in.geometry.relu = true;
    in.inputShape = {256, 8, 6, 6};
    in.floatInputs = normal(256 * 8 * 36, 3);
    for (float& x : in.floatInputs)
        x = std::max(0.0f, x + 0.3f); // a ReLU's output, as conv inputs mostly are
    in.quantInputs = quantized(in.floatInputs, 0.05f);
    in.weightParams = qint4PerChannel(in.weight, 16);
    return in;
}

bool onGrid(const std::vector<float>& w, const FakeQuantParams& q)
{
    const size_t per = w.size() / q.scale.size();
    for (size_t i = 0; i < w.size(); ++i) {
        const float s = q.scale[i / per];
        const double level = double(w[i]) / double(s);
        if (std::fabs(level - std::nearbyint(level)) > 1e-3 || level < q.quantMin - 1e-3 || level > q.quantMax + 1e-3)
            return false;
        // And exactly what fake quantization reproduces.
        const float again = float((std::clamp(std::nearbyint(w[i] * (1.0f / s)), float(q.quantMin), float(q.quantMax))) * s);
        if (again != w[i])
            return false;
    }
    return true;
}

} // namespace

class TestAdaRound : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void convOutputErrorBelowNearestRounding()
    {
        const AdaRoundLayerInput in = convLayer();
        AdaRoundConfig config;
        config.iterations = 600;
        config.learningRate = 1e-2;
        int reports = 0;
        const AdaRoundLayerResult r = adaroundLayer(in, config, [&](const ProgressInfo& p) {
            ++reports;
            return p.total == 600;
        });
        qInfo("conv: nearest %.6g, AdaRound %.6g, %lld flipped, %.0f it/s", r.nearestError, r.adaroundError,
              static_cast<long long>(r.flipped), r.iterationsPerSecond);
        QCOMPARE(reports, 12);
        QVERIFY(!r.keptNearest);
        QVERIFY2(r.adaroundError < 0.9 * r.nearestError,
                 qPrintable(QStringLiteral("%1 vs %2").arg(r.adaroundError).arg(r.nearestError)));
        QVERIFY(r.flipped > 0);
        QCOMPARE(r.weight.size(), in.weight.size());
        QVERIFY(onGrid(r.weight, in.weightParams));
        // Every weight is rounded to one of its two neighbouring levels.
        const size_t per = in.weight.size() / 16;
        for (size_t i = 0; i < in.weight.size(); ++i) {
            const double s = in.weightParams.scale[i / per];
            QVERIFY(std::fabs(double(r.weight[i]) - double(in.weight[i])) <= s * (1 + 1e-4));
        }
    }

    void linearWithAPerTensorGrid()
    {
        AdaRoundLayerInput in;
        in.name = "fc";
        in.geometry.linear = true;
        in.weightShape = {10, 64};
        in.weight = normal(640, 4, 0.15f);
        in.inputShape = {512, 64};
        in.floatInputs = normal(512 * 64, 5);
        in.quantInputs = quantized(in.floatInputs, 0.03f);
        float amax = 0;
        for (float w : in.weight)
            amax = std::max(amax, std::fabs(w));
        in.weightParams.scale = {amax / 7.5f};
        in.weightParams.zeroPoint = {0};
        in.weightParams.quantMin = -8;
        in.weightParams.quantMax = 7;
        AdaRoundConfig config;
        config.iterations = 600;
        config.learningRate = 1e-2;
        const AdaRoundLayerResult r = adaroundLayer(in, config);
        qInfo("fc: nearest %.6g, AdaRound %.6g", r.nearestError, r.adaroundError);
        QVERIFY(r.adaroundError < r.nearestError);
        QVERIFY(onGrid(r.weight, in.weightParams));
    }

    void cancelStops()
    {
        AdaRoundConfig config;
        config.iterations = 400;
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(JobCancelled, adaroundLayer(convLayer(), config, [&](const ProgressInfo&) {
            return ++calls < 2;
        }));
        QCOMPARE(calls, 2);
    }

    void badInputNamesTheLayer()
    {
        AdaRoundLayerInput in = convLayer();
        in.floatInputs[17] = NAN;
        try {
            adaroundLayer(in);
            QFAIL("expected a CalibError");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("conv") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("NaN") != std::string::npos, e.what());
        }
        in = convLayer();
        in.inputShape = {256, 4, 6, 6};
        QVERIFY_THROWS_EXCEPTION(CalibError, adaroundLayer(in));
        in = convLayer();
        in.weightParams.scale.pop_back();
        QVERIFY_THROWS_EXCEPTION(CalibError, adaroundLayer(in));
    }
};

QTEST_GUILESS_MAIN(TestAdaRound)
#include "test_adaround.moc"

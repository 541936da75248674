// Error metrics: the definitions on hand-computed tensors, the vectorised sums against them
// and against a scalar model of their lane order, the same bits on every x86-64 target, and
// the fused local error (fake-quantize and compare in one pass) against the stored one.
#include "core/stats/error_kernels.h"
#include "core/stats/metrics.h"
#include "core/observers/kernels.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace cs;

namespace {

// Tensors that exercise every branch: normal values, clipped ones, exact ties of the grid,
// NaN, Inf, a float-overflowing square, and a length that ends in a partial chunk.
std::vector<float> awkwardTensor(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<float> x(n);
    for (auto& v : x)
        v = normal(rng);
    x[5] = 0.125f; // a tie at scale 0.05: 2.5 steps
    x[700] = NAN;
    x[1500] = -INFINITY;
    x[2100] = 3e19f;
    return x;
}

std::vector<float> fakeQuantized(const std::vector<float>& x, const QuantGrid& g)
{
    std::vector<float> q(x.size());
    obs::kernels::fakeQuantize(x.data(), q.data(), x.size(), g.scale, g.zeroPoint, g.quantMin, g.quantMax);
    return q;
}

bool sameBits(const PointMetrics& a, const PointMetrics& b)
{
    const double fa[] = {a.l2, a.mse, a.sqnrDb, a.cosine, a.maxAbsError, a.rmseOverScale, a.clippedFraction,
                         a.clippingError, a.roundingError};
    const double fb[] = {b.l2, b.mse, b.sqnrDb, b.cosine, b.maxAbsError, b.rmseOverScale, b.clippedFraction,
                         b.clippingError, b.roundingError};
    return std::memcmp(fa, fb, sizeof fa) == 0 && a.count == b.count && a.nonFinite == b.nonFinite;
}

bool sameBits(const detail::ErrorSums& a, const detail::ErrorSums& b)
{
    const double da[] = {a.signal, a.quant, a.clipErr, a.roundErr};
    const double db[] = {b.signal, b.quant, b.clipErr, b.roundErr};
    return std::memcmp(da, db, sizeof da) == 0 && std::memcmp(&a.maxAbs, &b.maxAbs, sizeof a.maxAbs) == 0
           && a.count == b.count && a.clipped == b.clipped;
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void errorMetricsOnHandComputedTensors()
    {
        const float x[] = {1, 2, 3, 4};
        const float q[] = {1, 2, 2, 5};
        ErrorAccumulator acc;
        acc.setScale(0.5);
        acc.add(x, q, 4, 0.0, 3.5);
        const PointMetrics m = acc.result();
        QCOMPARE(m.count, int64_t(4));
        QCOMPARE(m.l2, std::sqrt(2.0));
        QCOMPARE(m.mse, 0.5);
        QCOMPARE(m.sqnrDb, 10 * std::log10(30.0 / 2.0));
        QCOMPARE(m.cosine, 31.0 / (std::sqrt(30.0) * std::sqrt(34.0)));
        QCOMPARE(m.maxAbsError, 1.0);
        QCOMPARE(m.clippedFraction, 0.25);
        QCOMPARE(m.clippingError, 1.0);
        QCOMPARE(m.roundingError, 1.0);
        QCOMPARE(m.rmseOverScale, std::sqrt(0.5) / 0.5);

        const float bad[] = {1, NAN, INFINITY};
        const float same[] = {1, 1, 1};
        ErrorAccumulator withNaN;
        withNaN.add(bad, same, 3, -1e30, 1e30);
        QCOMPARE(withNaN.result().nonFinite, int64_t(2));
        QCOMPARE(withNaN.result().count, int64_t(1));
        QVERIFY(std::isinf(withNaN.result().sqnrDb));
    }

    // The vectorised accumulation (chunks of 64 in float lanes) against the definitions summed
    // element by element in double, on a long tensor whose chunks hold NaN, Inf, clipped
    // values and a float-overflowing square, plus a tail that is not a whole chunk.
    void vectorisedErrorSumsMatchTheDefinitions()
    {
        std::mt19937 rng(3);
        std::normal_distribution<float> normal(0.0f, 2.0f);
        const size_t n = 64 * 40 + 37;
        std::vector<float> x(n), q(n);
        for (size_t i = 0; i < n; ++i) {
            x[i] = normal(rng);
            q[i] = std::clamp(std::nearbyint(x[i] / 0.05f), -64.0f, 63.0f) * 0.05f;
        }
        x[70] = NAN;
        q[300] = INFINITY;
        x[1000] = 2e19f; // its square overflows float, not double
        q[1000] = 1e19f;
        const double lo = -64 * 0.05, hi = 63 * 0.05;
        ErrorAccumulator acc;
        acc.setScale(0.05);
        acc.add(x.data(), q.data(), n, lo, hi);
        const PointMetrics m = acc.result();

        double signal = 0, quant = 0, dot = 0, clipErr = 0, roundErr = 0, maxAbs = 0;
        int64_t count = 0, clipped = 0;
        for (size_t i = 0; i < n; ++i) {
            if (!std::isfinite(x[i]) || !std::isfinite(q[i]))
                continue;
            const double a = x[i], b = q[i], e = a - b;
            signal += a * a;
            quant += b * b;
            dot += a * b;
            maxAbs = std::max(maxAbs, std::fabs(e));
            const bool outside = a < lo || a > hi;
            clipped += outside ? 1 : 0;
            (outside ? clipErr : roundErr) += e * e;
            ++count;
        }
        auto close = [](double a, double b) { return std::fabs(a - b) <= 1e-6 * std::fabs(b); };
        QCOMPARE(m.count, count);
        QCOMPARE(m.nonFinite, int64_t(2));
        QCOMPARE(m.clippedFraction, double(clipped) / double(count));
        QVERIFY(clipped > 10); // the test covers both parts of the split
        QCOMPARE(m.maxAbsError, maxAbs);
        QVERIFY2(close(m.clippingError, clipErr), qPrintable(QString::number(m.clippingError - clipErr)));
        QVERIFY2(close(m.roundingError, roundErr), qPrintable(QString::number(m.roundingError - roundErr)));
        QVERIFY(close(m.l2, std::sqrt(clipErr + roundErr)));
        QVERIFY(close(m.cosine, dot / (std::sqrt(signal) * std::sqrt(quant))));
        QVERIFY(std::fabs(m.sqnrDb - 10 * std::log10(signal / (clipErr + roundErr))) < 1e-6);
    }

    void outputMetricsOnHandComputedLogits()
    {
        // 3 samples x 6 classes. Sample 0 right; sample 1 label ranked 3rd; sample 2 ranked 6th.
        const std::vector<float> logits{0, 9, 1, 2, 3, 4,   5, 4, 6, 0, 0, 0,   9, 8, 7, 6, 5, 0};
        std::vector<float> reference = logits;
        reference[6] = 7; // the float model picks class 0 for sample 1
        OutputAccumulator acc;
        acc.add(logits, reference, 3, {1, 1, 5});
        const OutputMetrics m = acc.result();
        QCOMPARE(m.samples, int64_t(3));
        QCOMPARE(m.top1, 1.0 / 3.0);
        QCOMPARE(m.top5, 2.0 / 3.0);
        QCOMPARE(m.argmaxAgreement, 2.0 / 3.0);
        // Signal = the float logits (Σ² = 467); error = (7 - 5)².
        QCOMPARE(m.sqnrDb, 10 * std::log10(467.0 / 4.0));
    }

    void nonFiniteCountsPerOperand()
    {
        std::vector<float> x(300, 1.0f), q(300, 1.0f);
        x[3] = NAN;
        x[260] = INFINITY; // in the tail after the whole chunk
        q[3] = NAN;        // the same pair: counted once per operand, skipped once
        q[10] = -INFINITY;
        ErrorAccumulator acc;
        const NonFiniteCounts bad = acc.add(x.data(), q.data(), x.size(), -10, 10);
        QCOMPARE(bad.x, int64_t(2));
        QCOMPARE(bad.q, int64_t(2));
        QCOMPARE(acc.result().nonFinite, int64_t(3));
        QCOMPARE(acc.result().count, int64_t(297));
    }

    // The vectorised sums follow a documented order: eight float lanes (element i of a chunk in
    // lane i % 8), 32 terms per lane, each chunk's lanes added into double lanes, the double
    // lanes added as ((0+1)+(2+3))+((4+5)+(6+7)). This scalar model of that order must give
    // the kernel's bits exactly, on every target the CPU has.
    void vectorisedSumsFollowTheirLaneOrder()
    {
        const size_t n = detail::kErrorChunk * 7;
        // Magnitudes over twelve decades: every float addition rounds, so summing the terms in
        // any other order (or in other lanes) shows in the bits.
        std::mt19937 rng(11);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::uniform_real_distribution<float> decade(-6.0f, 6.0f);
        std::vector<float> x(n), q(n);
        for (size_t i = 0; i < n; ++i) {
            x[i] = normal(rng) * std::pow(10.0f, decade(rng));
            q[i] = x[i] * (1.0f + 0.01f * normal(rng));
        }
        const float lo = -2.0f, hi = 2.5f;
        double signal[8] = {}, quant[8] = {}, clipErr[8] = {}, roundErr[8] = {};
        float maxAbs = 0;
        int64_t clipped = 0;
        for (size_t c = 0; c < n; c += detail::kErrorChunk) {
            float s[8] = {}, qq[8] = {}, ce[8] = {}, re[8] = {};
            for (size_t i = c; i < c + detail::kErrorChunk; ++i) {
                const size_t l = i % 8;
                const float e = x[i] - q[i];
                s[l] += x[i] * x[i];
                qq[l] += q[i] * q[i];
                const bool outside = x[i] < lo || x[i] > hi;
                (outside ? ce[l] : re[l]) += e * e;
                clipped += outside ? 1 : 0;
                maxAbs = std::max(maxAbs, std::fabs(e));
            }
            for (int l = 0; l < 8; ++l) {
                signal[l] += s[l];
                quant[l] += qq[l];
                clipErr[l] += ce[l];
                roundErr[l] += re[l];
            }
        }
        auto ordered = [](const double (&v)[8]) {
            return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
        };
        detail::ErrorSums expected;
        expected.signal = ordered(signal);
        expected.quant = ordered(quant);
        expected.clipErr = ordered(clipErr);
        expected.roundErr = ordered(roundErr);
        expected.maxAbs = maxAbs;
        expected.clipped = clipped;
        expected.count = int64_t(n);

        std::vector<detail::KernelTarget> targets{detail::KernelTarget::Baseline};
        if (detail::avx2Supported())
            targets.push_back(detail::KernelTarget::Avx2);
        for (const auto target : targets) {
            detail::ErrorSums sums;
            QCOMPARE(detail::addErrorChunks(x.data(), q.data(), n, lo, hi, nullptr, sums, target), n);
            QVERIFY(sameBits(sums, expected));
        }
    }

    // Baseline and AVX2 builds of the kernel agree to the bit, stored pairs or fused
    // fake-quantize, and stop at the same chunk when one holds NaN/Inf.
    void everyTargetGivesTheSameBits()
    {
        if (!detail::avx2Supported())
            QSKIP("this CPU has no AVX2: only the baseline kernel can run here");
        const std::vector<float> x = awkwardTensor(detail::kErrorChunk * 12 + 77, 5);
        const QuantGrid grid{0.05, 3, -128, 127};
        const std::vector<float> q = fakeQuantized(x, grid);
        detail::FakeQuantFloats fq;
        fq.scale = float(grid.scale);
        fq.inverse = 1.0f / fq.scale;
        fq.lo = float(grid.quantMin - grid.zeroPoint);
        fq.hi = float(grid.quantMax - grid.zeroPoint);
        for (const bool fused : {false, true}) {
            size_t begin = 0;
            int runs = 0;
            for (;;) {
                const size_t whole = (x.size() - begin) / detail::kErrorChunk * detail::kErrorChunk;
                detail::ErrorSums base, avx2;
                const float* qp = fused ? nullptr : q.data() + begin;
                const detail::FakeQuantFloats* f = fused ? &fq : nullptr;
                const size_t stopBase = detail::addErrorChunks(x.data() + begin, qp, x.size() - begin, -3.0f, 2.9f,
                                                               f, base, detail::KernelTarget::Baseline);
                const size_t stopAvx2 = detail::addErrorChunks(x.data() + begin, qp, x.size() - begin, -3.0f, 2.9f,
                                                               f, avx2, detail::KernelTarget::Avx2);
                QCOMPARE(stopAvx2, stopBase);
                QVERIFY(sameBits(avx2, base));
                QVERIFY(base.clipped > 0);
                ++runs;
                if (stopBase == whole)
                    break;
                begin += stopBase + detail::kErrorChunk; // past the chunk the caller sums in double
            }
            QCOMPARE(runs, 4); // three chunks with NaN/Inf/overflow split the tensor in four runs
        }
    }

    // The local error's fused pass gives the same metrics, to the bit, as fake-quantizing into
    // a buffer and comparing, and reports the NaN/Inf of x.
    void fusedLocalErrorEqualsTheStoredOne()
    {
        const std::vector<float> x = awkwardTensor(4096 + 300, 9);
        for (const QuantGrid& grid : {QuantGrid{0.05, 0, -128, 127}, QuantGrid{0.013, 17, 0, 255},
                                      QuantGrid{0.5, 0, -8, 7}, QuantGrid{1e-3, -5, -32768, 32767}}) {
            const std::vector<float> q = fakeQuantized(x, grid);
            ErrorAccumulator stored, fused;
            stored.setScale(grid.scale);
            fused.setScale(grid.scale);
            const NonFiniteCounts s = stored.add(x.data(), q.data(), x.size(), grid.lowest(), grid.highest());
            const NonFiniteCounts f = fused.addFakeQuantized(x.data(), x.size(), grid);
            QCOMPARE(f.x, int64_t(2));
            QCOMPARE(f.x, s.x);
            QCOMPARE(f.q, s.q);
            QVERIFY(sameBits(fused.result(), stored.result()));
            QVERIFY(fused.result().clippedFraction > 0);
            QVERIFY(fused.result().roundingError > 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"

// The histogram-based error estimate on hand-computed histograms.
#include "core/stats/histogram_error.h"

#include <QTest>

#include <cmath>

using namespace cs;

class TestHistogramError : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void clippingIsIntegratedExactly()
    {
        HistogramData h{0.0, 4.0, {0, 0, 0, 10}}; // 10 values spread over [3, 4]
        obs::QuantSpec spec;                      // qint8 per_tensor_symmetric
        const ErrorEstimate e = estimateQuantError(h, -2.0f, 2.0f, spec);
        const double s = 2.0 / 127.5;
        QVERIFY(std::fabs(e.scale - s) < 1e-7);
        const double c = 127 * double(e.scale); // the largest representable value
        const double perElement = (std::pow(4 - c, 3) - std::pow(3 - c, 3)) / 3.0;
        QVERIFY(std::fabs(e.clippingError - 10 * perElement) < 1e-6);
        QCOMPARE(e.roundingError, 0.0);
        QCOMPARE(e.clippedFraction, 1.0);
        QVERIFY(std::fabs(e.signalPower - 10 * (9 + 12 + 16) / 3.0) < 1e-9);
        QVERIFY(std::fabs(e.l2 - std::sqrt(10 * perElement)) < 1e-6);
    }

    void roundingNoiseInsideTheRange()
    {
        HistogramData h{-1.0, 1.0, {5, 5}};
        obs::QuantSpec spec;
        const ErrorEstimate e = estimateQuantError(h, -1.0f, 1.0f, spec);
        const double s = e.scale;
        // Only the top 1 - 127/127.5 of [0, 1] is beyond the grid's largest value.
        QVERIFY(std::fabs(e.roundingError - 10 * s * s / 12 * (1 - (1 - 127 * s) / 2)) < 1e-9);
        QVERIFY(e.clippingError > 0 && e.clippingError < 1e-5);
        QVERIFY(std::fabs(e.clippedFraction) < 1e-12);
        QVERIFY(std::fabs(e.sqnrDb - 10 * std::log10(e.signalPower / e.squaredError)) < 1e-9);
        QVERIFY(e.sqnrDb > 40 && e.sqnrDb < 60);
    }

    void tighterClipMeansMoreClippingLessRounding()
    {
        HistogramData h{-4.0, 4.0, std::vector<double>(64, 1.0)};
        obs::QuantSpec spec;
        const ErrorEstimate wide = estimateQuantError(h, -4.0f, 4.0f, spec);
        const ErrorEstimate narrow = estimateQuantError(h, -2.0f, 2.0f, spec);
        QVERIFY(narrow.roundingError < wide.roundingError);
        QVERIFY(narrow.clippingError > wide.clippingError);
        QVERIFY(std::fabs(narrow.clippedFraction - 0.5) < 1e-12);
    }

    void emptyHistogram()
    {
        const ErrorEstimate e = estimateQuantError(HistogramData{}, -1.0f, 1.0f, obs::QuantSpec{});
        QCOMPARE(e.squaredError, 0.0);
        QCOMPARE(e.clippedFraction, 0.0);
        QVERIFY(std::isinf(e.sqnrDb));
    }
};

QTEST_GUILESS_MAIN(TestHistogramError)
#include "test_histogram_error.moc"

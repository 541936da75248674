// Coverage of the validation data: the evaluation's validation histograms and clip counts,
// the shares against a hand count on a two-op model, the session round trip, and a demo
// validation set shifted by a constant flagged at the input point.
#include "core/analysis/coverage.h"
#include "core/calibration.h"
#include "core/dataset/dataset_source.h"
#include "core/evaluation.h"
#include "core/session.h"
#include "../core/core_test_support.h"
#include "../demo_test_config.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace cs;
using cs::test::writeNpy;

namespace {

const std::string kDemoDir = CALIBSCOPE_TEST_DEMO_DIR;

struct Shares {
    int64_t below = 0, above = 0, total = 0;
};

Shares handCount(const std::vector<float>& v, float clipMin, float clipMax)
{
    Shares s;
    for (float x : v) {
        s.below += x < clipMin;
        s.above += x > clipMax;
        ++s.total;
    }
    return s;
}

EvaluationConfig plainEvaluation(const std::string& data, int batchSize)
{
    EvaluationConfig e;
    e.data.path = data;
    e.batchSize = batchSize;
    e.sensitivity = false;
    e.accuracyTable = false;
    e.autoPlan = false;
    return e;
}

} // namespace

class TestCoverage : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void shareOutsideOfAHistogram()
    {
        HistogramData h;
        h.lo = 0;
        h.hi = 4;
        h.counts = {1, 2, 3, 4};
        // Bin 0 holds data only on [0.5, 1]: wholly below 1.
        QCOMPARE(histogramShareOutside(h, 0.5, 4.0, 1.0, 3.0), 0.5);
        // Half of bin 1 and half of bin 3 are outside [1.5, 3.5], and all of bin 0.
        QCOMPARE(histogramShareOutside(h, 0.5, 4.0, 1.5, 3.5), 0.4);
        // The data's own range clips nothing.
        QCOMPARE(histogramShareOutside(h, 0.5, 4.0, 0.5, 4.0), 0.0);
        // A bin whose data sit at one point (dataMin == dataMax) is in or out as a whole.
        HistogramData one;
        one.lo = 0;
        one.hi = 2;
        one.counts = {0, 5};
        QCOMPARE(histogramShareOutside(one, 1.5, 1.5, 0.0, 1.4), 1.0);
        QCOMPARE(histogramShareOutside(one, 1.5, 1.5, 0.0, 1.5), 0.0);
    }

    void handCountOnTwoOps()
    {
        const QString script = m_dir.filePath(QStringLiteral("twoop.py"));
        cs::test::writeTwoOpModel(script, m_dir.filePath(QStringLiteral("twoop.pt")));
        if (QTest::currentTestFailed())
            return;

        std::vector<float> x(64), v(64);
        for (size_t i = 0; i < x.size(); ++i) {
            x[i] = std::sin(float(i) * 0.7f) * 2.0f + (i % 7 == 0 ? 1.1f : 0.0f);
            // Validation: wider, and more of it on the positive side.
            v[i] = std::sin(float(i) * 0.9f) * 2.6f + (i % 5 == 0 ? 1.7f : 0.0f);
        }
        const QString calData = m_dir.filePath(QStringLiteral("x.npy"));
        const QString valData = m_dir.filePath(QStringLiteral("v.npy"));
        writeNpy(calData, x, {16, 4, 1});
        writeNpy(valData, v, {16, 4, 1});
        CalibrationConfig c;
        c.modelPath = m_dir.filePath(QStringLiteral("twoop.pt")).toStdString();
        c.data.path = calData.toStdString();
        c.batchSize = 8;
        c.numBatches = -1;
        // PyTorch's MinMaxObserver: the clip range is the data's range.
        c.activation.name = "running_min_max";
        CalibrationResult calibration = runCalibration(c);
        QCOMPARE(calibration.points.size(), size_t(3));

        // The values each point sees, as the model computes them in float.
        auto chain = [](const std::vector<float>& in, const std::string& point) {
            std::vector<float> out(in.size());
            for (size_t i = 0; i < in.size(); ++i) {
                const float mul = in[i] * 3.0f;
                out[i] = point == "x" ? in[i] : point == "mul" ? mul : mul + 0.25f;
            }
            return out;
        };

        const EvaluationResult same = runEvaluation(calibration, plainEvaluation(calData.toStdString(), 16));
        const EvaluationResult wide = runEvaluation(calibration, plainEvaluation(valData.toStdString(), 16));
        QCOMPARE(same.validation.size(), size_t(3));
        QCOMPARE(wide.validation.size(), size_t(3));
        const CoverageReport sameReport = analyzeCoverage(calibration, same);
        const CoverageReport wideReport = analyzeCoverage(calibration, wide);
        QVERIFY(sameReport.recorded);
        QCOMPARE(sameReport.flagged, 0);
        for (const std::string point : {"x", "mul", "add"}) {
            const PointCalibration* p = calibration.point(point);
            QVERIFY(p);
            const float clipMin = p->result.min.at(0), clipMax = p->result.max.at(0);
            // The calibration data on its own histogram's grid: nothing outside the data's
            // range, the same bins but for the first batch's extremes (the calibration
            // histogram clamps them into its last bins before its range doubles).
            const PointCoverage* s = sameReport.point(point);
            QVERIFY(s);
            QCOMPARE(s->clipMin, clipMin);
            QCOMPARE(s->clipMax, clipMax);
            QCOMPARE(s->calibrationOutside, 0.0);
            QCOMPARE(s->validationOutside, 0.0);
            QVERIFY2(s->jsDivergence >= 0 && s->jsDivergence <= 2.0 / 64.0 + 1e-12,
                     qPrintable(QString::number(s->jsDivergence)));
            QCOMPARE(s->validationCount, int64_t(64));
            QCOMPARE(s->calibrationCount, int64_t(64));
            const ValidationHistogram* sh = nullptr;
            for (const auto& h : same.validation)
                if (h.name == point)
                    sh = &h;
            QVERIFY(sh);
            QCOMPARE(sh->counts.size(), p->stats.histogram.counts.size());
            double moved = 0;
            for (size_t i = 0; i < sh->counts.size(); ++i)
                moved += std::fabs(sh->counts[i] - p->stats.histogram.counts[i]);
            QVERIFY2(moved <= 4, qPrintable(QString::number(moved)));
            QCOMPARE(sh->below + sh->above, int64_t(0));

            // The wider set: the shares are the hand count's.
            const Shares hand = handCount(chain(v, point), clipMin, clipMax);
            const PointCoverage* w = wideReport.point(point);
            QVERIFY(w);
            QCOMPARE(w->validationBelow, double(hand.below) / double(hand.total));
            QCOMPARE(w->validationAbove, double(hand.above) / double(hand.total));
            QCOMPARE(w->validationOutside, double(hand.below + hand.above) / double(hand.total));
            QVERIFY2(hand.above > 0, qPrintable(QString::number(hand.above)));
            QCOMPARE(w->calibrationOutside, 0.0);
            QVERIFY(w->flagged);
            QVERIFY(w->jsDivergence > 0.05 && w->jsDivergence < 1.0);
        }
        QCOMPARE(wideReport.flagged, 3);

        // Non-finite values are left out (the vector path hands their block to the scalar one).
        std::vector<float> bad = v;
        bad[5] = std::numeric_limits<float>::quiet_NaN();
        bad[42] = std::numeric_limits<float>::infinity();
        const QString badData = m_dir.filePath(QStringLiteral("bad.npy"));
        writeNpy(badData, bad, {16, 4, 1});
        const CoverageReport badReport =
            analyzeCoverage(calibration, runEvaluation(calibration, plainEvaluation(badData.toStdString(), 16)));
        std::vector<float> finite;
        for (float f : bad)
            if (std::isfinite(f))
                finite.push_back(f);
        const PointCalibration* px = calibration.point("x");
        const Shares badHand = handCount(finite, px->result.min.at(0), px->result.max.at(0));
        QCOMPARE(badReport.point("x")->validationCount, int64_t(62));
        QCOMPARE(badReport.point("x")->validationOutside,
                 double(badHand.below + badHand.above) / double(badHand.total));
        QVERIFY(QString::fromStdString(wideReport.verdict)
                    .startsWith(QStringLiteral("the calibration set does not cover the validation data at 3 points")));

        // Horizon's min_max averages the batches' ranges: some calibration values fall outside.
        // The validation share (the calibration data again) is the exact hand count; the
        // calibration share, read from the histogram, is within one value of it.
        CalibrationConfig averaged = c;
        averaged.activation.name = "min_max";
        const CalibrationResult horizon = runCalibration(averaged);
        const CoverageReport self =
            analyzeCoverage(horizon, runEvaluation(horizon, plainEvaluation(calData.toStdString(), 16)));
        const PointCalibration* hx = horizon.point("x");
        const Shares outside = handCount(x, hx->result.min.at(0), hx->result.max.at(0));
        QVERIFY(outside.below + outside.above > 0);
        const PointCoverage* sx = self.point("x");
        QCOMPARE(sx->validationOutside, double(outside.below + outside.above) / 64.0);
        QVERIFY2(std::fabs(sx->calibrationOutside - sx->validationOutside) <= 1.0 / 64.0,
                 qPrintable(QString::number(sx->calibrationOutside)));
        QVERIFY(!sx->flagged);

        // The session keeps the validation histograms with the evaluation.
        calibration.evaluation = std::make_shared<const EvaluationResult>(wide);
        const std::string path = m_dir.filePath(QStringLiteral("twoop.cscope")).toStdString();
        saveSession(calibration, ObserverBank{}, path);
        const CalibrationResult loaded = loadSession(path);
        QVERIFY(loaded.evaluation);
        QCOMPARE(loaded.evaluation->validation.size(), wide.validation.size());
        for (size_t i = 0; i < wide.validation.size(); ++i) {
            const auto& a = wide.validation[i];
            const auto& b = loaded.evaluation->validation[i];
            QCOMPARE(b.name, a.name);
            QCOMPARE(b.counts, a.counts);
            QCOMPARE(b.grid.lo, a.grid.lo);
            QCOMPARE(b.grid.hi, a.grid.hi);
            QCOMPARE(b.grid.clipMin, a.grid.clipMin);
            QCOMPARE(b.grid.clipMax, a.grid.clipMax);
            QCOMPARE(b.below, a.below);
            QCOMPARE(b.above, a.above);
            QCOMPARE(b.count, a.count);
            QCOMPARE(b.belowClip, a.belowClip);
            QCOMPARE(b.aboveClip, a.aboveClip);
        }
        const CoverageReport again = analyzeCoverage(loaded, *loaded.evaluation);
        QCOMPARE(again.flagged, wideReport.flagged);
        QCOMPARE(again.point("add")->jsDivergence, wideReport.point("add")->jsDivergence);
        const QJsonObject json = coverageToJson(again);
        QCOMPARE(json.value(QStringLiteral("flagged")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("points")).toArray().size(), 3);

        // A recalibration (another grid) leaves nothing to compare at its points.
        CalibrationConfig wider = c;
        wider.data.path = valData.toStdString();
        const CalibrationResult other = runCalibration(wider);
        const CoverageReport stale = analyzeCoverage(other, wide);
        QCOMPARE(stale.flagged, 0);
        bool noted = false;
        for (const auto& p : stale.points)
            noted = noted || !p.note.empty();
        QVERIFY(noted);
    }

    void shiftedDemoSetIsFlaggedAtTheInput()
    {
        CalibrationConfig c = cs::test::demoCalibrationConfig(kDemoDir + "/demo.pt", 10);
        const CalibrationResult calibration = runCalibration(c);
        const std::string input = calibration.points.front().name;

        // 500 test images, preprocessed as the demo does, stored as a tensor; then + 1.0.
        DatasetSpec test;
        test.path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
        test.count = 500;
        test.preprocess = c.data.preprocess;
        const auto source = openDataset(test);
        const auto numel = size_t(source->sampleNumel());
        std::vector<float> values(numel * 500);
        for (int64_t i = 0; i < 500; ++i)
            source->readSample(i, values.data() + size_t(i) * numel);
        const QString plain = m_dir.filePath(QStringLiteral("plain.npy"));
        const QString shifted = m_dir.filePath(QStringLiteral("shifted.npy"));
        writeNpy(plain, values, {500, 1, 28, 28});
        for (float& v : values)
            v += 1.0f;
        writeNpy(shifted, values, {500, 1, 28, 28});

        const CoverageReport ok =
            analyzeCoverage(calibration, runEvaluation(calibration, plainEvaluation(plain.toStdString(), 100)));
        const CoverageReport off =
            analyzeCoverage(calibration, runEvaluation(calibration, plainEvaluation(shifted.toStdString(), 100)));
        const PointCoverage* a = ok.point(input);
        const PointCoverage* b = off.point(input);
        QVERIFY(a && b);
        qInfo("input %s: clip [%g, %g]; calibration outside %.5f %%; plain validation %.5f %% (JS %.5f); "
              "shifted %.5f %% (JS %.5f); flagged %d / %d points",
              input.c_str(), double(a->clipMin), double(a->clipMax), 100 * a->calibrationOutside,
              100 * a->validationOutside, a->jsDivergence, 100 * b->validationOutside, b->jsDivergence, ok.flagged,
              off.flagged);
        QVERIFY(!a->flagged);
        QVERIFY(b->flagged);
        QCOMPARE(b->calibrationOutside, a->calibrationOutside);
        // The shift pushes the bright pixels past the clip maximum; nothing falls below it.
        QCOMPARE(b->validationBelow, 0.0);
        QVERIFY(b->validationAbove > 0.05);
        QVERIFY(b->jsDivergence > 10 * a->jsDivergence);
        QVERIFY(QString::fromStdString(off.verdict).contains(QString::fromStdString(input)));
    }
};

QTEST_GUILESS_MAIN(TestCoverage)
#include "test_coverage.moc"

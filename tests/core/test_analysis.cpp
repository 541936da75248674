// core/analysis: the observer replayed over retained per-batch statistics, the bootstrap,
// the convergence verdict and the session diff; the data choices (flip, seeded sample).
#include "core/analysis/convergence.h"
#include "core/analysis/session_diff.h"
#include "core/calibration.h"
#include "core/dataset/dataset_source.h"
#include "core/observers/observer_registry.h"
#include "core/session.h"
#include "core/stats/point_statistics.h"
#include "../demo_test_config.h"

#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>
#include <set>

using namespace cs;

namespace {

// `batches` batches of normal data whose spread varies from batch to batch, collected as
// calibration collects them; `observer` is fed the same batches as the reference.
enum class Shape { Normal, Relu, Negative };

PointStatistics makeStats(int batches, const ObserverConfig& config, obs::ObserverResult* reference,
                          uint64_t seed = 7, int size = 4096, Shape shape = Shape::Normal)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> spread(0.5f, 2.0f);
    PointStatisticsCollector collector;
    auto observer = obs::createObserver(config.name, config.params, config.spec);
    std::vector<float> x(static_cast<size_t>(size));
    for (int b = 0; b < batches; ++b) {
        const float s = spread(rng);
        for (float& v : x) {
            v = s * normal(rng) + 0.1f;
            if (shape == Shape::Relu)
                v = std::max(v, 0.0f);
            else if (shape == Shape::Negative)
                v = -std::fabs(v) - 0.05f;
        }
        collector.add(x.data(), {int64_t(size)});
        observer->observe(obs::TensorView(x.data(), {int64_t(size)}));
    }
    if (reference)
        *reference = observer->result();
    PointStatistics stats = collector.result();
    return stats;
}

double relativeStd(const std::vector<double>& v)
{
    double mean = 0, var = 0;
    for (double x : v)
        mean += x;
    mean /= double(v.size());
    for (double x : v)
        var += (x - mean) * (x - mean);
    return std::sqrt(var / double(v.size() - 1)) / mean;
}

std::string demoModel() { return CALIBSCOPE_TEST_DEMO_DIR "/demo.pt"; }

} // namespace

class TestAnalysis : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replayEqualsTheObserverOnTheRawData_data()
    {
        QTest::addColumn<QString>("observer");
        QTest::addColumn<int>("shape");
        QTest::newRow("min_max") << "min_max" << int(Shape::Normal);
        QTest::newRow("min_max negative") << "min_max" << int(Shape::Negative);
        QTest::newRow("running_min_max") << "running_min_max" << int(Shape::Normal);
        QTest::newRow("clip") << "clip" << int(Shape::Normal);
        QTest::newRow("percentile") << "percentile" << int(Shape::Normal);
        QTest::newRow("percentile relu") << "percentile" << int(Shape::Relu);
        QTest::newRow("percentile negative") << "percentile" << int(Shape::Negative);
    }
    void replayEqualsTheObserverOnTheRawData()
    {
        QFETCH(QString, observer);
        QFETCH(int, shape);
        ObserverConfig config;
        config.name = observer.toStdString();
        if (config.name == "percentile")
            config.params = {{"percentile", 99.9}};
        if (config.name == "clip")
            config.params = {{"xmin", -2.5}, {"xmax", 2.0}, {"averaging_constant", 0.3}};
        obs::ObserverResult reference;
        const PointStatistics stats = makeStats(12, config, &reference, 7, 4096, Shape(shape));
        std::vector<int> order(12);
        for (int i = 0; i < 12; ++i)
            order[size_t(i)] = i;
        const auto steps = replayObserver(stats, config, order);
        QCOMPARE(steps.size(), size_t(12));
        QCOMPARE(steps.back().min, reference.min);
        QCOMPARE(steps.back().max, reference.max);
        QCOMPARE(steps.back().scale, reference.scale);
        QCOMPARE(steps.back().batches, int64_t(12));
    }

    void bootstrapSpreadShrinksAsBatchesGrow_data()
    {
        QTest::addColumn<QString>("observer");
        QTest::newRow("min_max") << "min_max";
        QTest::newRow("running_min_max") << "running_min_max";
    }
    void bootstrapSpreadShrinksAsBatchesGrow()
    {
        QFETCH(QString, observer);
        ObserverConfig config;
        config.name = observer.toStdString();
        const PointStatistics stats = makeStats(200, config, nullptr, 11, 512);
        const double few = relativeStd(bootstrapScales(stats, config, 3, 30, 1));
        const double some = relativeStd(bootstrapScales(stats, config, 30, 30, 1));
        const double many = relativeStd(bootstrapScales(stats, config, 200, 30, 1));
        // An EMA with averaging constant 0.01 still weighs its first batch 0.99^29 = 0.75 after
        // 30 batches, so its spread shrinks late; a global min/max shrinks all along.
        const QString spreads = QStringLiteral("%1 %2 %3").arg(few).arg(some).arg(many);
        QVERIFY2(few > many && some > many, qPrintable(spreads));
        if (observer == QLatin1String("running_min_max"))
            QVERIFY2(few > some, qPrintable(spreads));
        // Seeded: the same draws give the same scales.
        QCOMPARE(bootstrapScales(stats, config, 30, 30, 5), bootstrapScales(stats, config, 30, 30, 5));
    }

    void verdictAndOneBatch()
    {
        CalibrationResult r;
        r.config.batchSize = 32;
        PointCalibration p;
        p.name = "a";
        p.stats = makeStats(20, p.config, &p.result);
        r.points.push_back(p);
        r.batches = 20;
        ConvergenceReport report = analyzeConvergence(r);
        QCOMPARE(report.points.size(), size_t(1));
        QVERIFY(report.points[0].replayed);
        QVERIFY(report.points[0].exact);
        QVERIFY(report.points[0].hasBand);
        QVERIFY(report.points[0].scaleSpreadPct > 0);
        QVERIFY(report.points[0].scaleLowPct <= report.points[0].scaleHighPct);
        if (report.settled)
            QVERIFY(QString::fromStdString(report.verdict).startsWith(QStringLiteral("ranges settled after")));
        else
            QVERIFY(QString::fromStdString(report.verdict).contains(QStringLiteral("add data")));

        // A range still moving at the end (running_min_max jumps on the last batch) is unsettled.
        CalibrationResult moving = r;
        moving.points[0].config.name = "running_min_max";
        auto& last = moving.points[0].stats.batches.back();
        last.max *= 3;
        last.absMax = std::max(-last.min, last.max);
        ConvergenceReport unsettled = analyzeConvergence(moving);
        QVERIFY(!unsettled.settled);
        QCOMPARE(unsettled.unsettled, 1);
        QCOMPARE(unsettled.points[0].settledAfter, 20);
        QCOMPARE(QString::fromStdString(unsettled.verdict), QStringLiteral("not settled at 1 point: add data"));

        CalibrationResult one = r;
        one.points[0].stats = makeStats(1, one.points[0].config, &one.points[0].result);
        one.batches = 1;
        const ConvergenceReport single = analyzeConvergence(one);
        QVERIFY(single.oneBatch);
        QVERIFY(!single.points[0].hasBand);
        QVERIFY(QString::fromStdString(single.verdict).startsWith(QStringLiteral("one batch")));
        QVERIFY(QString::fromStdString(formatConvergenceJson(single)).contains(QStringLiteral("\"bootstrap\": null")));
    }

    // The demo: the replay after N batches gives the session's final range exactly.
    void demoReplayIsExact()
    {
        QTemporaryDir dir;
        CalibrationConfig config = test::demoCalibrationConfig(demoModel(), 8, 2);
        ObserverBank bank;
        CalibrationResult live = runCalibration(config, {}, &bank);
        const std::string path = dir.filePath(QStringLiteral("demo.cscope")).toStdString();
        saveSession(live, bank, path);
        const CalibrationResult result = loadSession(path);
        const ConvergenceReport report = analyzeConvergence(result);
        QCOMPARE(report.batches, 8);
        int replayed = 0;
        for (size_t i = 0; i < report.points.size(); ++i) {
            const ConvergencePoint& p = report.points[i];
            if (!p.replayed)
                continue;
            ++replayed;
            QVERIFY2(p.exact, p.name.c_str());
            QCOMPARE(p.clipMin.size(), size_t(8));
            QCOMPARE(p.clipMin.back(), result.points[i].result.min[0]);
            QCOMPARE(p.clipMax.back(), result.points[i].result.max[0]);
            QCOMPARE(p.scale.back(), result.points[i].result.scale[0]);
            QVERIFY(p.hasBand);
        }
        QVERIFY(replayed >= 10);
        QVERIFY(!report.verdict.empty());
    }

    void jensenShannonBounds()
    {
        HistogramData a{0, 1, {1, 2, 3, 4}};
        QCOMPARE(jensenShannon(a, a), 0.0);
        HistogramData b{2, 3, {1, 2, 3, 4}};
        QVERIFY(std::fabs(jensenShannon(a, b) - 1.0) < 1e-12);
        HistogramData c{0, 1, {4, 3, 2, 1}};
        const double d = jensenShannon(a, c);
        QVERIFY(d > 0 && d < 1);
        QCOMPARE(jensenShannon(a, c), jensenShannon(c, a));
        QCOMPARE(jensenShannon(a, HistogramData{}), -1.0);
    }

    void diffMatchesByNameAndRefusesOtherGrids()
    {
        CalibrationResult a, b;
        a.model.sha256 = "x";
        b.model.sha256 = "y";
        PointCalibration p;
        p.name = "conv";
        p.stats = makeStats(3, p.config, &p.result, 1);
        a.points.push_back(p);
        PointCalibration q = p;
        q.stats = makeStats(3, q.config, &q.result, 2);
        b.points.push_back(q);
        PointCalibration onlyA = p;
        onlyA.name = "fc";
        a.points.push_back(onlyA);
        PointCalibration onlyB = p;
        onlyB.name = "head";
        b.points.push_back(onlyB);
        SessionDiff d = diffSessions(a, b);
        QVERIFY(d.incompatible.empty());
        QVERIFY(!d.sameModel);
        QCOMPARE(d.points.size(), size_t(1));
        QCOMPARE(d.points[0].name, std::string("conv"));
        QCOMPARE(d.onlyA, std::vector<std::string>{"fc"});
        QCOMPARE(d.onlyB, std::vector<std::string>{"head"});
        const double expected = 100.0 * (double(q.result.scale[0]) / p.result.scale[0] - 1.0);
        QCOMPARE(d.points[0].scaleChangePct, expected);
        QVERIFY(d.points[0].jsDivergence > 0 && d.points[0].jsDivergence < 0.2);

        CalibrationResult otherType = b;
        otherType.points[0].config.spec.dtype = obs::DType::QUInt8;
        QVERIFY(QString::fromStdString(diffSessions(a, otherType).incompatible).contains(QStringLiteral("dtypes differ")));
        CalibrationResult otherBins = b;
        otherBins.config.histogramBins = 1024;
        QVERIFY(QString::fromStdString(diffSessions(a, otherBins).incompatible).contains(QStringLiteral("bins differ")));
    }

    // Flip mirrors each row of a sample; random flips are seeded per file index; the sample
    // is a seeded subset of the window with its labels.
    void flipAndSample()
    {
        DatasetSpec plain;
        plain.path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
        plain.start = 100;
        plain.count = 200;
        const auto base = openDataset(plain);
        DatasetSpec flipped = plain;
        flipped.preprocess.flipHorizontal = FlipMode::Always;
        const auto mirror = openDataset(flipped);
        std::vector<float> x(size_t(base->sampleNumel())), y(x.size());
        base->readSample(3, x.data());
        mirror->readSample(3, y.data());
        QCOMPARE(base->sampleShape(), (std::vector<int64_t>{1, 28, 28}));
        for (int r = 0; r < 28; ++r)
            for (int c = 0; c < 28; ++c)
                QCOMPARE(y[size_t(r * 28 + c)], x[size_t(r * 28 + 27 - c)]);

        DatasetSpec random = plain;
        random.preprocess.flipHorizontal = FlipMode::Random;
        random.preprocess.flipSeed = 3;
        const auto some = openDataset(random);
        int flips = 0;
        for (int64_t i = 0; i < some->size(); ++i) {
            base->readSample(i, x.data());
            some->readSample(i, y.data());
            flips += x != y ? 1 : 0;
        }
        QVERIFY2(flips > 60 && flips < 140, qPrintable(QString::number(flips)));
        // The same sample flips the same way whatever the window.
        DatasetSpec shifted = random;
        shifted.start = 150;
        shifted.count = 10;
        const auto other = openDataset(shifted);
        some->readSample(50, x.data());
        other->readSample(0, y.data());
        QCOMPARE(x, y);

        DatasetSpec sampled = plain;
        sampled.sample = 50;
        sampled.sampleSeed = 9;
        const auto subset = openDataset(sampled);
        QCOMPARE(subset->size(), int64_t(50));
        std::set<std::vector<float>> seen;
        bool inOrder = true;
        std::vector<int64_t> picked;
        for (int64_t i = 0; i < 50; ++i) {
            subset->readSample(i, y.data());
            int64_t found = -1;
            for (int64_t j = 0; j < base->size() && found < 0; ++j) {
                base->readSample(j, x.data());
                if (x == y && base->label(j) == subset->label(i))
                    found = j;
            }
            QVERIFY(found >= 0);
            inOrder = inOrder && (picked.empty() || found > picked.back());
            picked.push_back(found);
            seen.insert(y);
        }
        QCOMPARE(seen.size(), size_t(50));
        QVERIFY(!inOrder);
        const auto again = openDataset(sampled);
        again->readSample(7, x.data());
        subset->readSample(7, y.data());
        QCOMPARE(x, y);
        sampled.sampleSeed = 10;
        const auto otherSeed = openDataset(sampled);
        int same = 0;
        for (int64_t i = 0; i < 50; ++i) {
            otherSeed->readSample(i, x.data());
            subset->readSample(i, y.data());
            same += x == y ? 1 : 0;
        }
        QVERIFY(same < 10);

        // Both kinds survive the JSON of a session.
        DatasetSpec both = sampled;
        both.preprocess = random.preprocess;
        QCOMPARE(DatasetSpec::fromJson(both.toJson()), both);
        QCOMPARE(PreprocessConfig::fromJson(flipped.preprocess.toJson()), flipped.preprocess);
        QVERIFY(!plain.preprocess.toJson().contains(QStringLiteral("flip_horizontal")));
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "test_analysis.moc"

// The live observers in a session: a reopened .cscope retunes and switches observers exactly
// like the result that was saved; older sessions (no states) and damaged states still load.
#include "../demo_test_config.h"
#include "core_test_support.h"
#include "core/calibration.h"
#include "core/session/observer_bank.h"
#include "core/session/observer_bank_state.h"
#include "core/errors.h"
#include "core/session.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

using namespace cs;

namespace {

const std::string kDemoDir = CALIBSCOPE_TEST_DEMO_DIR;

CalibrationConfig demoConfig(int batches) { return cs::test::demoCalibrationConfig(kDemoDir + "/demo.pt", batches, 1); }

bool same(const obs::ObserverResult& a, const obs::ObserverResult& b) { return cs::test::sameResult(a, b); }

QByteArray show(const obs::ObserverResult& r)
{
    return "max " + QByteArray::number(r.max.empty() ? 0.0 : double(r.max[0]), 'g', 9) + " scale "
           + QByteArray::number(r.scale.empty() ? 0.0 : double(r.scale[0]), 'g', 9) + " batches "
           + QByteArray::number(qint64(r.batches));
}

std::string tempPath(const QTemporaryDir& dir, const char* name)
{
    return dir.filePath(QString::fromLatin1(name)).toStdString();
}

} // namespace

class TestSessionState : public QObject {
    Q_OBJECT
private:
    CalibrationResult m_original; // percentile activations, every compare observer
    ObserverBank m_bank;          // its live observers
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        CalibrationConfig config = demoConfig(3);
        config.compareObservers = true;
        config.activation.name = "percentile";
        m_original = runCalibration(config, {}, &m_bank);
        QCOMPARE(m_original.points.size(), size_t(15));
        QCOMPARE(m_bank.points.size(), m_original.points.size());
    }

    void restoredBankGivesTheSavedResults()
    {
        const std::string path = tempPath(m_dir, "restored.cscope");
        saveSession(m_original, m_bank, path);
        ObserverBank backBank;
        const CalibrationResult back = loadSession(path, &backBank);
        QVERIFY(back.warnings == m_original.warnings);
        QCOMPARE(backBank.points.size(), m_original.points.size());
        for (const PointCalibration& p : back.points) {
            ObserverBank::Point& restored = backBank.points.at(p.name);
            const ObserverBank::Point& live = m_bank.points.at(p.name);
            // The compare observers stay packed until asked for.
            QVERIFY(restored.compare.empty());
            QVERIFY(restored.savedCompare);
            restored.restoreCompare();
            QVERIFY(!restored.savedCompare);
            QCOMPARE(restored.configured->name(), std::string("percentile"));
            QCOMPARE(restored.configured->batchesObserved(), int64_t{3});
            QVERIFY2(same(restored.configured->result(), live.configured->result()), p.name.c_str());
            QVERIFY2(same(restored.configured->result(), p.result), p.name.c_str());
            QCOMPARE(restored.compare.size(), live.compare.size());
            QVERIFY(restored.compare.size() >= 12); // every observer but clip and fixed_scale
            for (const auto& [name, observer] : live.compare)
                QVERIFY2(same(restored.compare.at(name)->result(), observer->result()), (p.name + " " + name).c_str());
        }
    }

    // The loader reads the points one by one as they stream past; a writer that puts them
    // before the ops and the configuration they refer to gets the same session, and a file
    // with two "points" arrays is refused rather than merged.
    void keyOrderDoesNotChangeTheLoad()
    {
        const std::string path = tempPath(m_dir, "ordered.cscope");
        saveSession(m_original, m_bank, path);
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QCborMap saved = QCborValue::fromCbor(file.readAll()).toMap();
        file.close();
        QVERIFY(saved.value(QLatin1String("points")).toArray().size() == qsizetype(m_original.points.size()));
        auto write = [](const std::string& where, const QByteArray& bytes) {
            QFile out(QString::fromStdString(where));
            return out.open(QIODevice::WriteOnly | QIODevice::Truncate) && out.write(bytes) == bytes.size();
        };
        // Built by hand: QCborMap keeps the order of insertion, so "points" goes first.
        QCborMap pointsFirst;
        pointsFirst.insert(QLatin1String("points"), saved.value(QLatin1String("points")));
        for (auto it = saved.begin(); it != saved.end(); ++it)
            if (it.key().toString() != QLatin1String("points"))
                pointsFirst.insert(it.key(), it.value());
        const std::string reordered = tempPath(m_dir, "points_first.cscope");
        QVERIFY(write(reordered, pointsFirst.toCborValue().toCbor()));

        ObserverBank inOrderBank, reorderedBank;
        const CalibrationResult inOrder = loadSession(path, &inOrderBank);
        const CalibrationResult back = loadSession(reordered, &reorderedBank);
        QCOMPARE(back.points.size(), inOrder.points.size());
        QCOMPARE(back.model.ops.size(), inOrder.model.ops.size());
        QCOMPARE(reorderedBank.points.size(), inOrderBank.points.size());
        QVERIFY(back.warnings == inOrder.warnings);
        for (size_t i = 0; i < back.points.size(); ++i) {
            const PointCalibration& a = back.points[i];
            const PointCalibration& b = inOrder.points[i];
            QCOMPARE(a.name, b.name);
            QVERIFY2(same(a.result, b.result), a.name.c_str());
            QCOMPARE(a.compare.size(), b.compare.size());
            QCOMPARE(a.stats.batches.size(), b.stats.batches.size());
            QVERIFY(a.stats.batches.back().absHistogram.countsCopy() == b.stats.batches.back().absHistogram.countsCopy());
        }

        // Two "points" arrays: CBOR allows repeated keys, a session does not.
        QByteArray twice = saved.toCborValue().toCbor();
        const QByteArray extra = QCborMap{{QLatin1String("points"), QCborArray{}}}.toCborValue().toCbor();
        // A map's head byte holds its size below 24 entries: one more entry, then the extra pair.
        QVERIFY(saved.size() < 23 && (quint8(twice[0]) & 0xe0) == 0xa0);
        twice[0] = char(quint8(twice[0]) + 1);
        twice.append(extra.mid(1));
        const std::string twoPoints = tempPath(m_dir, "two_points.cscope");
        QVERIFY(write(twoPoints, twice));
        try {
            (void)loadSession(twoPoints);
            QFAIL("a session with two points arrays loaded");
        } catch (const CalibError& e) {
            QVERIFY2(std::strstr(e.what(), "two \"points\" arrays"), e.what());
        }
    }

    void retuneAndSwitchAfterReopening()
    {
        const std::string path = tempPath(m_dir, "retune.cscope");
        saveSession(m_original, m_bank, path);
        ObserverBank backBank;
        CalibrationResult back = loadSession(path, &backBank);
        // Its own observers: retuning `live` must leave m_bank untouched.
        CalibrationResult live = m_original;
        ObserverBank liveBank = m_bank.clone();
        QCOMPARE(liveBank.points.size(), m_bank.points.size());
        QVERIFY(liveBank.points.at("block1.add").configured.get() != m_bank.points.at("block1.add").configured.get());

        // A new percentile on every point, from the retained per-batch histograms.
        for (const PointCalibration& p : m_original.points) {
            QCOMPARE(retunePoint(live, liveBank, p.name, {{"percentile", 99.0}}), RetuneOutcome::Recomputed);
            QCOMPARE(retunePoint(back, backBank, p.name, {{"percentile", 99.0}}), RetuneOutcome::Recomputed);
            QVERIFY2(same(back.point(p.name)->result, live.point(p.name)->result),
                     QByteArray(p.name.c_str() + QByteArray(": ") + show(back.point(p.name)->result) + " vs "
                                + show(live.point(p.name)->result)).constData());
            QCOMPARE(back.point(p.name)->config.params.at("percentile"), 99.0);
        }
        // It really changed something: 99% clips inside the 99.99% range; the original's
        // observers (not shared with the clone) still give the 99.99% result.
        QVERIFY(back.point("block1.add")->result.max[0] < m_original.point("block1.add")->result.max[0]);
        QVERIFY(same(m_bank.points.at("block1.add").configured->result(), m_original.point("block1.add")->result));
        QCOMPARE(retunePoint(back, backBank, "block1.add", {{"bins", 512}}), RetuneOutcome::NeedsData);

        // Switching observers uses the restored compare observers (with parameter changes).
        const std::string point = "block2.add";
        ObserverConfig base = back.point(point)->config;
        struct Switch {
            const char* name;
            obs::ParamMap params;
        };
        const Switch switches[] = {{"kl", {{"start_bin", 160}}},
                                   {"hist_entropy", {}},
                                   {"hist_percentile", {{"percentile", 99.9}}},
                                   {"mse", {{"averaging_constant", 0.5}}},
                                   {"pact2", {{"power2_activation_range", 0}}},
                                   {"torch_histogram", {}},
                                   {"percentile", {{"percentile", 99.5}}}};
        for (const Switch& s : switches) {
            ObserverConfig c = base;
            c.name = s.name;
            c.params = s.params;
            QCOMPARE(applyPointConfig(live, liveBank, point, c), RetuneOutcome::Recomputed);
            QCOMPARE(applyPointConfig(back, backBank, point, c), RetuneOutcome::Recomputed);
            QVERIFY2(same(back.point(point)->result, live.point(point)->result), s.name);
            QVERIFY(back.point(point)->config == c);
        }
        // A grid the compare pass did not run still needs the data, on both.
        ObserverConfig qint16 = base;
        qint16.spec.dtype = obs::DType::QInt16;
        QCOMPARE(applyPointConfig(back, backBank, point, qint16), RetuneOutcome::NeedsData);
        QCOMPARE(applyPointConfig(live, liveBank, point, qint16), RetuneOutcome::NeedsData);

        // Saving the edited, reopened result and reopening it again continues the same way.
        const std::string again = tempPath(m_dir, "again.cscope");
        saveSession(back, backBank, again);
        ObserverBank twiceBank;
        CalibrationResult twice = loadSession(again, &twiceBank);
        QVERIFY(same(twice.point(point)->result, live.point(point)->result));
        QCOMPARE(retunePoint(twice, twiceBank, point, {{"percentile", 99.9}}), RetuneOutcome::Recomputed);
        QCOMPARE(retunePoint(live, liveBank, point, {{"percentile", 99.9}}), RetuneOutcome::Recomputed);
        QVERIFY(same(twice.point(point)->result, live.point(point)->result));
        QCOMPARE(currentOverrides(twice).size(), currentOverrides(live).size());

        // And equals a fresh calibration with that configuration.
        CalibrationConfig fresh = demoConfig(3);
        fresh.activation.name = "percentile";
        fresh.overrides[point] = twice.point(point)->config;
        const CalibrationResult expected = runCalibration(fresh);
        QCOMPARE(twice.point(point)->result.scale, expected.point(point)->result.scale);
        QCOMPARE(twice.point(point)->result.max, expected.point(point)->result.max);
    }

    void sessionWithoutStatesLoadsWithoutBank()
    {
        // An empty bank: what a session written before observer states looks like.
        const std::string path = tempPath(m_dir, "old.cscope");
        saveSession(m_original, ObserverBank(), path);
        ObserverBank bank;
        CalibrationResult back = loadSession(path, &bank);
        QVERIFY(bank.empty());
        QVERIFY(same(back.point("block1.add")->result, m_original.point("block1.add")->result));
        QCOMPARE(retunePoint(back, bank, "block1.add", {{"percentile", 99.0}}), RetuneOutcome::NoObserver);
        ObserverConfig kl = back.point("block1.add")->config;
        kl.name = "kl";
        kl.params.clear();
        QCOMPARE(applyPointConfig(back, bank, "block1.add", kl), RetuneOutcome::NeedsData);
    }

    void damagedStateStillLoads()
    {
        const std::string path = tempPath(m_dir, "damaged.cscope");
        saveSession(m_original, m_bank, path);
        QCborMap root = test::readSessionMap(path);
        QVERIFY(!root.isEmpty());
        // Point 3's configured observer claims to have seen more batches than it retained.
        QCborArray points = root.value(QLatin1String("points")).toArray();
        QCborMap point = points.at(3).toMap();
        const std::string damagedName = point.value(QLatin1String("name")).toString().toStdString();
        QCborMap observers = point.value(QLatin1String("observers")).toMap();
        QCborMap configured = observers.value(QLatin1String("configured")).toMap();
        QCborMap scalars = configured.value(QLatin1String("scalars")).toMap();
        scalars.insert(QLatin1String("batches"), 7.0);
        scalars.insert(QLatin1String("batch_index"), 7.0);
        configured.insert(QLatin1String("scalars"), scalars);
        observers.insert(QLatin1String("configured"), configured);
        point.insert(QLatin1String("observers"), observers);
        points[3] = point;
        root.insert(QLatin1String("points"), points);
        QVERIFY(test::writeSessionMap(path, root));

        ObserverBank bank;
        CalibrationResult back = loadSession(path, &bank);
        QCOMPARE(bank.points.size(), m_original.points.size() - 1);
        QVERIFY(!bank.points.count(damagedName));
        QCOMPARE(back.warnings.size(), m_original.warnings.size() + 1);
        QVERIFY2(QByteArray::fromStdString(back.warnings.back()).contains(QByteArray::fromStdString(damagedName)),
                 back.warnings.back().c_str());
        QCOMPARE(retunePoint(back, bank, damagedName, {{"percentile", 99.0}}), RetuneOutcome::NoObserver);
        QVERIFY(same(back.point(damagedName)->result, m_original.point(damagedName)->result));
    }

    void packedCompareObserversAreCheckedWhenRestored()
    {
        const std::string path = tempPath(m_dir, "packed.cscope");
        saveSession(m_original, m_bank, path);
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCborMap root = QCborValue::fromCbor(file.readAll()).toMap();
        file.close();
        // Point 2's packed compare observers declare 1 GiB once inflated.
        QCborArray points = root.value(QLatin1String("points")).toArray();
        QCborMap point = points.at(2).toMap();
        const std::string name = point.value(QLatin1String("name")).toString().toStdString();
        QCborMap observers = point.value(QLatin1String("observers")).toMap();
        QByteArray packed = observers.value(QLatin1String("compare_packed")).toByteArray();
        QVERIFY(packed.size() > 4);
        packed.replace(0, 4, QByteArray("\x40\x00\x00\x00", 4));
        observers.insert(QLatin1String("compare_packed"), packed);
        point.insert(QLatin1String("observers"), observers);
        points[2] = point;
        root.insert(QLatin1String("points"), points);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(root.toCborValue().toCbor());
        file.close();

        // Opening does not inflate it; switching to a compare observer does, and refuses it.
        ObserverBank bank;
        CalibrationResult back = loadSession(path, &bank);
        QCOMPARE(back.warnings.size(), m_original.warnings.size());
        QVERIFY(bank.points.at(name).savedCompare);
        try {
            bank.points.at(name).restoreCompare();
            QFAIL("a compare state declaring 1 GiB was inflated");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("declare") != std::string::npos, e.what());
        }
        ObserverConfig kl = back.point(name)->config;
        kl.name = "kl";
        kl.params.clear();
        QVERIFY_THROWS_EXCEPTION(CalibError, applyPointConfig(back, bank, name, kl));
        QVERIFY(same(back.point(name)->result, m_original.point(name)->result));
        // The other points switch as before, and a save keeps the damaged blob as it was.
        const std::string other = back.points.at(5).name;
        QCOMPARE(applyPointConfig(back, bank, other, ObserverConfig{"kl", {}, back.point(other)->config.spec, false}),
                 RetuneOutcome::Recomputed);
        const std::string again = tempPath(m_dir, "packed_again.cscope");
        saveSession(back, bank, again);
        ObserverBank againBank;
        loadSession(again, &againBank);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, againBank.points.at(name).restoreCompare());
        QVERIFY(againBank.points.at(other).savedCompare);
        againBank.points.at(other).restoreCompare();
        QVERIFY(againBank.points.at(other).compare.count("kl"));
    }

    void histogramsArePackedAndExact()
    {
        const std::string path = tempPath(m_dir, "histograms.cscope");
        saveSession(m_original, m_bank, path);
        ObserverBank bank;
        const CalibrationResult back = loadSession(path, &bank);
        for (size_t i = 0; i < back.points.size(); ++i) {
            const PointStatistics& a = back.points[i].stats;
            const PointStatistics& b = m_original.points[i].stats;
            QVERIFY(a.histogram.counts == b.histogram.counts);
            QCOMPARE(a.batches.size(), b.batches.size());
            for (size_t k = 0; k < a.batches.size(); ++k)
                QVERIFY(a.batches[k].absHistogram == b.batches[k].absHistogram);
        }
        // Stored as packed arrays, not raw float bytes.
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QCborMap stats = QCborValue::fromCbor(file.readAll())
                                   .toMap().value(QLatin1String("points")).toArray().at(0).toMap()
                                   .value(QLatin1String("stats")).toMap();
        QVERIFY(stats.value(QLatin1String("histogram")).toMap().value(QLatin1String("counts")).toMap()
                    .value(QLatin1String("type")).toString().startsWith(QStringLiteral("u32")));
        QVERIFY(stats.value(QLatin1String("batches")).toArray().at(0).toMap().value(QLatin1String("abs_histogram")).isMap());
    }

    void batchHistogramsDecodeWhenRead()
    {
        const std::string path = tempPath(m_dir, "lazy_histograms.cscope");
        saveSession(m_original, m_bank, path);
        auto readRoot = [](const std::string& file) {
            QFile f(QString::fromStdString(file));
            return f.open(QIODevice::ReadOnly) ? QCborValue::fromCbor(f.readAll()).toMap() : QCborMap();
        };
        // Saving a loaded session before any histogram was read writes the same arrays.
        {
            ObserverBank bank;
            const CalibrationResult back = loadSession(path, &bank);
            const std::string again = tempPath(m_dir, "lazy_histograms_again.cscope");
            saveSession(back, bank, again);
            QVERIFY(readRoot(again).value(QLatin1String("points")) == readRoot(path).value(QLatin1String("points")));
            // Copies share the decoding and read the same counts from two threads.
            const BatchHistogram copy = back.points[0].stats.batches[0].absHistogram;
            std::vector<float> other;
            std::thread reader([&] { other = back.points[0].stats.batches[0].absHistogram.counts(); });
            const std::vector<float> mine = copy.counts();
            reader.join();
            QVERIFY(mine == other && mine == m_original.points[0].stats.batches[0].absHistogram.counts());
        }
        // A compressed histogram whose bytes are damaged fails the load, naming it: through
        // its CRC-32, and, in a session written without CRCs, through decoding it at load.
        const QCborMap root = readRoot(path);
        auto damage = [&](bool keepCrc) {
            QCborMap damagedRoot = root;
            QCborArray points = damagedRoot.value(QLatin1String("points")).toArray();
            QCborMap point = points.at(0).toMap();
            QCborMap stats = point.value(QLatin1String("stats")).toMap();
            QCborArray batches = stats.value(QLatin1String("batches")).toArray();
            QCborMap batch = batches.at(0).toMap();
            QCborMap histogram = batch.value(QLatin1String("abs_histogram")).toMap();
            [&] {
                QVERIFY(histogram.value(QLatin1String("zlib")).toBool());
                QVERIFY(histogram.value(QLatin1String("crc32")).isInteger());
            }();
            QByteArray data = histogram.value(QLatin1String("data")).toByteArray();
            std::memset(data.data() + 4, 0xff, size_t(data.size() - 4)); // the size header stays plausible
            histogram.insert(QLatin1String("data"), data);
            if (!keepCrc)
                histogram.remove(QLatin1String("crc32"));
            batch.insert(QLatin1String("abs_histogram"), histogram);
            batches[0] = batch;
            stats.insert(QLatin1String("batches"), batches);
            point.insert(QLatin1String("stats"), stats);
            points[0] = point;
            damagedRoot.insert(QLatin1String("points"), points);
            const std::string damaged = tempPath(m_dir, keepCrc ? "damaged_crc.cscope" : "damaged_no_crc.cscope");
            QFile out(QString::fromStdString(damaged));
            if (out.open(QIODevice::WriteOnly))
                out.write(damagedRoot.toCborValue().toCbor());
            return damaged;
        };
        for (const bool keepCrc : {true, false}) {
            try {
                (void)loadSession(damage(keepCrc));
                QFAIL(keepCrc ? "a session with a corrupt histogram loaded" : "a corrupt histogram without CRC loaded");
            } catch (const CalibError& e) {
                QVERIFY2(std::string(e.what()).find("histogram") != std::string::npos, e.what());
                if (keepCrc)
                    QVERIFY2(std::string(e.what()).find("CRC") != std::string::npos, e.what());
            }
        }
    }

    void identicalCompareArraysAreStoredOnce()
    {
        // NVIDIA's hist_* observers keep the same |x| histogram: the packed compare observers
        // hold it once, the others refer to it, and every observer restores exactly.
        const ObserverBank::Point& live = m_bank.points.at("block1.add");
        const QCborMap saved = bankPointToCbor(live);
        const QCborMap states =
            QCborValue::fromCbor(qUncompress(saved.value(QLatin1String("compare_packed")).toByteArray())).toMap();
        auto array = [&](const char* observer, const char* key) {
            return states.value(QLatin1String(observer)).toMap().value(QLatin1String("arrays")).toMap().value(QLatin1String(key)).toMap();
        };
        QVERIFY(array("hist_entropy", "hist_counts").contains(QLatin1String("data")));
        QVERIFY(array("hist_mse", "hist_counts").contains(QLatin1String("same_as")));
        QVERIFY(array("hist_percentile", "hist_counts").contains(QLatin1String("same_as")));
        ObserverBank::Point back = bankPointFromCbor(saved, m_original.point("block1.add")->config, 3);
        back.restoreCompare();
        QCOMPARE(back.compare.size(), live.compare.size());
        for (const auto& [name, observer] : live.compare) {
            QVERIFY2(same(back.compare.at(name)->result(), observer->result()), name.c_str());
            QVERIFY2(back.compare.at(name)->saveState().arrays == observer->saveState().arrays, name.c_str());
        }
        // A reference to nothing refuses the state instead of inventing an array.
        QCborMap broken = states;
        QCborMap mse = broken.value(QLatin1String("hist_mse")).toMap();
        QCborMap arrays = mse.value(QLatin1String("arrays")).toMap();
        arrays.insert(QLatin1String("hist_counts"),
                      QCborMap{{QLatin1String("same_as"), QCborArray{QStringLiteral("hist_mse"), QStringLiteral("nothing")}}});
        mse.insert(QLatin1String("arrays"), arrays);
        broken.insert(QLatin1String("hist_mse"), mse);
        QCborMap damaged = saved;
        damaged.insert(QLatin1String("compare_packed"), qCompress(broken.toCborValue().toCbor(), 1));
        ObserverBank::Point refused = bankPointFromCbor(damaged, m_original.point("block1.add")->config, 3);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, refused.restoreCompare());
    }

    void longArraysArePlanarAndOlderEncodingsRead()
    {
        // Bin edges (evenly spaced floats) and sparse counts, as the histogram observers keep them.
        std::vector<double> edges, counts(8192, 0.0);
        for (int i = 0; i <= 4096; ++i)
            edges.push_back(double(float(i) * (3.7f / 4096.0f)));
        edges.push_back(-0.0);
        edges.push_back(double(std::numeric_limits<float>::infinity()));
        for (size_t i = 0; i < counts.size(); i += 7)
            counts[i] = double(i % 300);
        counts[5] = 4294967295.0;
        for (const auto& [values, type] : {std::make_pair(edges, "f32_delta_planes"), std::make_pair(counts, "u32_planes")}) {
            const QCborMap packed = numbersToPackedCbor(values);
            QCOMPARE(packed.value(QLatin1String("type")).toString(), QString::fromLatin1(type));
            const std::vector<double> back = numbersFromPackedCbor(packed, double(values.size()));
            QCOMPARE(back.size(), values.size());
            QVERIFY(std::memcmp(back.data(), values.data(), values.size() * sizeof(double)) == 0);
        }
        // Linearly spaced edges take a fraction of their plain zlib size.
        std::vector<float> plain(edges.begin(), edges.end());
        const QByteArray plainZlib =
            qCompress(QByteArray(reinterpret_cast<const char*>(plain.data()), qsizetype(plain.size() * sizeof(float))), 1);
        const qsizetype planar = numbersToPackedCbor(edges).value(QLatin1String("data")).toByteArray().size();
        QVERIFY2(planar * 3 < plainZlib.size(), QByteArray(QByteArray::number(planar) + " vs " + QByteArray::number(plainZlib.size())).constData());
        // Sessions written before the planar types: plain little-endian bytes, zlib or not.
        QByteArray u32(qsizetype(counts.size() * 4), Qt::Uninitialized);
        for (size_t i = 0; i < counts.size(); ++i) {
            const auto v = uint32_t(counts[i]);
            std::memcpy(u32.data() + i * 4, &v, 4);
        }
        const QCborMap older{{QLatin1String("type"), QStringLiteral("u32")}, {QLatin1String("zlib"), true},
                             {QLatin1String("data"), qCompress(u32, 1)}};
        QVERIFY(numbersFromPackedCbor(older, double(counts.size())) == counts);
        const QCborMap olderFloats{{QLatin1String("type"), QStringLiteral("f32")},
                                   {QLatin1String("data"), QByteArray(reinterpret_cast<const char*>(plain.data()),
                                                                      qsizetype(plain.size() * sizeof(float)))}};
        const std::vector<double> floats = numbersFromPackedCbor(olderFloats, double(plain.size()));
        QVERIFY(std::memcmp(floats.data(), edges.data(), edges.size() * sizeof(double)) == 0);
    }

    void stateEncodingIsExact()
    {
        obs::ObserverState s;
        s.observer = "min_max";
        s.params = {{"averaging_constant", 0.01}};
        s.spec.qscheme = obs::QScheme::PerChannelAffine;
        s.spec.chAxis = 2;
        s.spec.quantMin = -5; // half a custom range stays half
        s.scalars = {{"negative_zero", -0.0}, {"big", 9007199254740992.0}, {"nan", std::nan("")}};
        s.arrays["u32"] = {0, 1, 4294967295.0};
        s.arrays["f32"] = {-0.0, 0.5f, double(0.1f), std::numeric_limits<double>::infinity(), std::nan("")};
        s.arrays["f64"] = {0.1, 4294967296.0, -1.0};
        s.arrays["empty"] = {};
        std::vector<double> sparse(100000, 0.0);
        sparse[77] = 3;
        s.arrays["sparse"] = sparse;
        s.warnings = {"batch 2 is empty: skipped"};
        const QByteArray bytes = QCborValue(observerStateToCbor(s)).toCbor();
        QVERIFY2(bytes.size() < 4000, QByteArray::number(bytes.size()).constData()); // narrowed and compressed
        const obs::ObserverState back = observerStateFromCbor(QCborValue::fromCbor(bytes).toMap());
        QCOMPARE(back.observer, s.observer);
        QVERIFY(back.params == s.params);
        QVERIFY(back.spec.quantMin == s.spec.quantMin && !back.spec.quantMax);
        QCOMPARE(back.spec.chAxis, 2);
        QVERIFY(back.spec.qscheme == obs::QScheme::PerChannelAffine);
        QVERIFY(std::signbit(back.scalars.at("negative_zero")));
        QCOMPARE(back.scalars.at("big"), 9007199254740992.0);
        QVERIFY(std::isnan(back.scalars.at("nan")));
        QCOMPARE(back.arrays.size(), s.arrays.size());
        for (const auto& [key, values] : s.arrays) {
            const std::vector<double>& got = back.arrays.at(key);
            QCOMPARE(got.size(), values.size());
            for (size_t i = 0; i < values.size(); ++i)
                QVERIFY2(std::memcmp(&got[i], &values[i], sizeof(double)) == 0
                             || (std::isnan(got[i]) && std::isnan(values[i])),
                         key.c_str());
        }
        QVERIFY(back.warnings == s.warnings);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, observerStateFromCbor(QCborMap()));
    }
};

QTEST_GUILESS_MAIN(TestSessionState)
#include "test_session_state.moc"

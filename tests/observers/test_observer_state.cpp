// Observer::saveState/loadState: a restored observer must continue exactly like the one that
// saved it (further batches, retune, warnings, counters), and states that do not fit must be
// refused without touching the observer.

#include "core/observers/observer_registry.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>

using namespace cs::obs;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct Batch {
    std::vector<float> data;
    std::vector<int64_t> shape;
    TensorView view() const { return TensorView(data.data(), shape); }
};

// [4, 3, 40] batches (channel axis 1 for per-channel grids) with a widening spread, an
// outlier, NaN/Inf in batch 1 and channel 2 entirely NaN in batch 2.
std::vector<Batch> batches(unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.2f, 1.0f);
    std::vector<Batch> out;
    for (int b = 0; b < 4; ++b) {
        Batch batch{std::vector<float>(4 * 3 * 40), {4, 3, 40}};
        for (float& v : batch.data) v = normal(rng) * (1.0f + 0.4f * static_cast<float>(b));
        batch.data[static_cast<std::size_t>(17 * b + 5)] = 9.0f + static_cast<float>(b);
        out.push_back(std::move(batch));
    }
    out[1].data[3] = kNaN;
    out[1].data[50] = std::numeric_limits<float>::infinity();
    for (int o = 0; o < 4; ++o)
        for (int i = 0; i < 40; ++i) out[2].data[static_cast<std::size_t>((o * 3 + 2) * 40 + i)] = kNaN;
    return out;
}

// Small but non-trivial parameters: kl keeps an open interval after three batches.
ParamMap testParams(const std::string& name) {
    if (name == "kl") return {{"update_interval", 2}, {"bins", 256}};
    if (name == "percentile" || name == "mix") return {{"bins", 512}};
    if (name == "torch_histogram") return {{"bins", 256}};
    if (name.rfind("hist_", 0) == 0) return {{"num_bins", 512}};
    return {};
}

QuantSpec testSpec(bool perChannel) {
    QuantSpec s;
    if (perChannel) {
        s.qscheme = QScheme::PerChannelAffine;
        s.dtype = DType::QUInt8;
        s.chAxis = 1;
    }
    return s;
}

bool bitsEqual(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

bool sameFloats(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!bitsEqual(a[i], b[i])) return false;
    return true;
}

// Everything a caller can see, bit for bit.
QByteArray differences(const ObserverResult& a, const ObserverResult& b) {
    QByteArray d;
    if (!sameFloats(a.min, b.min)) d += " min";
    if (!sameFloats(a.max, b.max)) d += " max";
    if (!sameFloats(a.scale, b.scale)) d += " scale";
    if (a.zeroPoint != b.zeroPoint) d += " zero_point";
    if (a.hasStatistics != b.hasStatistics) d += " has_statistics";
    if (a.warning != b.warning) d += QByteArray(" warning (" + QByteArray::fromStdString(a.warning) + " | " + QByteArray::fromStdString(b.warning) + ")");
    if (a.extras != b.extras) d += " extras";
    if (a.nonFinite != b.nonFinite) d += " non_finite";
    if (a.batches != b.batches) d += " batches";
    return d;
}

bool sameState(const ObserverState& a, const ObserverState& b) {
    if (a.observer != b.observer || a.params != b.params || a.scalars.size() != b.scalars.size() ||
        a.arrays.size() != b.arrays.size() || a.warnings != b.warnings)
        return false;
    for (const auto& [k, v] : a.scalars)
        if (!b.scalars.count(k) || std::memcmp(&v, &b.scalars.at(k), sizeof v) != 0) return false;
    for (const auto& [k, v] : a.arrays) {
        const auto it = b.arrays.find(k);
        if (it == b.arrays.end() || it->second.size() != v.size()) return false;
        if (!v.empty() && std::memcmp(v.data(), it->second.data(), v.size() * sizeof(double)) != 0) return false;
    }
    return true;
}

// A different valid value for every retunable parameter.
ParamMap retuneChanges(const Observer& o) {
    ParamMap changes;
    for (const ParamSpec& p : findObserver(o.name())->params) {
        if (!p.retunable) continue;
        const double v = o.params().at(p.name);
        if (p.type == ParamSpec::Bool) changes[p.name] = 1.0 - v;
        else if (p.type == ParamSpec::Int) changes[p.name] = v + 1.0 <= p.maxValue ? v + 1.0 : v - 1.0;
        else changes[p.name] = v != 0.0 ? v * 0.9 : 0.5;
    }
    return changes;
}

std::unique_ptr<Observer> restored(const ObserverState& s) {
    auto o = createObserver(s.observer, s.params, s.spec);
    o->loadState(s);
    return o;
}

template <typename F>
QByteArray thrownMessage(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestObserverState : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void restoredObserverContinuesExactly_data();
    void restoredObserverContinuesExactly();
    void stateBeforeAnyBatch();
    void unfitStatesAreRefused_data();
    void unfitStatesAreRefused();
    void inconsistentDataIsRefused();
};

void TestObserverState::restoredObserverContinuesExactly_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("perChannel");
    for (const ObserverInfo& info : observerRegistry()) {
        QTest::addRow("%s", info.name.c_str()) << QString::fromStdString(info.name) << false;
        if (info.supportsPerChannel)
            QTest::addRow("%s/per_channel", info.name.c_str()) << QString::fromStdString(info.name) << true;
    }
}

void TestObserverState::restoredObserverContinuesExactly() {
    QFETCH(QString, name);
    QFETCH(bool, perChannel);
    const std::string n = name.toStdString();
    const std::vector<Batch> data = batches(11);
    auto original = createObserver(n, testParams(n), testSpec(perChannel));
    for (int b = 0; b < 3; ++b) original->observe(data[static_cast<std::size_t>(b)].view());
    original->observe(TensorView(nullptr, {0}));  // an empty batch: a warning and a batch index
    const ObserverResult before = original->result();
    QVERIFY(before.hasStatistics);
    QVERIFY(before.nonFinite >= 2);

    const ObserverState state = original->saveState();
    QCOMPARE(state.observer, n);
    auto copy = restored(state);
    QCOMPARE(copy->batchesObserved(), original->batchesObserved());
    QVERIFY2(differences(copy->result(), before).isEmpty(), differences(copy->result(), before).constData());
    QVERIFY(sameState(copy->saveState(), state));

    // The fourth batch (a wider range: the growing histograms must extend) on both.
    original->observe(data[3].view());
    copy->observe(data[3].view());
    // Later warnings are numbered by the restored batch index.
    original->observe(TensorView(data[3].data.data(), {0, 3}));
    copy->observe(TensorView(data[3].data.data(), {0, 3}));
    const ObserverResult a = original->result(), b = copy->result();
    QVERIFY2(differences(a, b).isEmpty(), differences(a, b).constData());
    QCOMPARE(b.batches, int64_t{4});
    QVERIFY(sameState(copy->saveState(), original->saveState()));

    // Retune after restore equals retune without; so does a restore of the retuned state.
    const ParamMap changes = retuneChanges(*original);
    const bool retunedOriginal = original->retune(changes);
    QCOMPARE(copy->retune(changes), retunedOriginal);
    QCOMPARE(retunedOriginal, true);  // every retunable parameter is served by the state
    QVERIFY2(differences(original->result(), copy->result()).isEmpty(),
             differences(original->result(), copy->result()).constData());
    auto again = restored(original->saveState());
    QVERIFY(differences(again->result(), original->result()).isEmpty());
    const std::vector<Batch> more = batches(12);
    again->observe(more[0].view());
    original->observe(more[0].view());
    QVERIFY2(differences(again->result(), original->result()).isEmpty(),
             differences(again->result(), original->result()).constData());
}

void TestObserverState::stateBeforeAnyBatch() {
    for (const std::string& n : observerNames()) {
        auto fresh = createObserver(n, testParams(n), testSpec(false));
        auto copy = restored(fresh->saveState());
        QVERIFY2(differences(copy->result(), fresh->result()).isEmpty(), n.c_str());
        const std::vector<Batch> data = batches(3);
        fresh->observe(data[0].view());
        copy->observe(data[0].view());
        QVERIFY2(differences(copy->result(), fresh->result()).isEmpty(), n.c_str());
    }
}

void TestObserverState::unfitStatesAreRefused_data() {
    QTest::addColumn<QString>("name");
    for (const std::string& n : observerNames()) QTest::addRow("%s", n.c_str()) << QString::fromStdString(n);
}

void TestObserverState::unfitStatesAreRefused() {
    QFETCH(QString, name);
    const std::string n = name.toStdString();
    const std::vector<Batch> data = batches(5);
    auto source = createObserver(n, testParams(n), testSpec(false));
    for (int b = 0; b < 3; ++b) source->observe(data[static_cast<std::size_t>(b)].view());
    const ObserverState good = source->saveState();

    // The target has seen other data: a refused load must leave it exactly as it was.
    auto target = createObserver(n, testParams(n), testSpec(false));
    target->observe(data[3].view());
    const ObserverResult untouched = target->result();
    auto expectRefused = [&](const ObserverState& bad, const char* fragment, const char* what) {
        const QByteArray message = thrownMessage([&] { target->loadState(bad); });
        QVERIFY2(message.contains(fragment), QByteArray(QByteArray(what) + ": '" + message + "'").constData());
        QVERIFY2(differences(target->result(), untouched).isEmpty(), what);
    };

    ObserverState other = good;
    other.observer = n == "min_max" ? "clip" : "min_max";
    expectRefused(other, "saved by observer", "other observer");

    ObserverState newer = good;
    newer.version = ObserverState::kVersion + 1;
    expectRefused(newer, "state version", "newer version");

    QuantSpec otherSpec = testSpec(false);
    otherSpec.dtype = DType::QInt16;
    ObserverState spec = good;
    spec.spec = otherSpec;
    expectRefused(spec, "quantization grid", "other spec");

    if (!good.params.empty()) {
        ObserverState params = good;
        params.params.begin()->second += 1.0;
        expectRefused(params, "differs", "other parameter value");
    }

    // Every value and array is required, except the NVIDIA observers' data_min, which states
    // saved before it existed lack (they load with the unsigned grid they were saved with).
    for (const auto& [key, unused] : good.scalars) {
        ObserverState missing = good;
        missing.scalars.erase(key);
        if (key == "data_min") {
            auto copy = createObserver(n, testParams(n), testSpec(false));
            copy->loadState(missing);
            QCOMPARE(copy->batchesObserved(), source->batchesObserved());
            ObserverState positive = good;
            positive.scalars[key] = 1.0;
            expectRefused(positive, key.c_str(), "positive data_min");
            continue;
        }
        expectRefused(missing, key.c_str(), ("missing scalar " + key).c_str());
    }
    for (const auto& [key, unused] : good.arrays) {
        ObserverState missing = good;
        missing.arrays.erase(key);
        expectRefused(missing, key.c_str(), ("missing array " + key).c_str());
    }
    // More batches than the retained data covers.
    ObserverState counts = good;
    counts.scalars["batches"] += 1.0;
    counts.scalars["batch_index"] += 1.0;
    if (!needsNoStatistics(n) && n != "running_min_max" && n != "torch_histogram" && n.rfind("hist_", 0) != 0)
        expectRefused(counts, "does not fit", "batch count");
    ObserverState fraction = good;
    fraction.scalars["non_finite"] = 0.5;
    expectRefused(fraction, "non_finite", "non-integer counter");
}

void TestObserverState::inconsistentDataIsRefused() {
    const std::vector<Batch> data = batches(8);
    auto stateOf = [&](const std::string& n) {
        auto o = createObserver(n, testParams(n), testSpec(false));
        for (int b = 0; b < 3; ++b) o->observe(data[static_cast<std::size_t>(b)].view());
        return o->saveState();
    };
    // One observer's saved state, one corruption, a part of the refusal's message.
    struct Corruption {
        const char* observer;
        std::function<void(ObserverState&)> corrupt;
        const char* message;
    };
    const Corruption corruptions[] = {
        // A value that float32 cannot hold where the observer keeps float32.
        {"min_max", [](ObserverState& st) { st.arrays["history_min"][0] = 0.1; }, "not float32"},
        // A truncated per-batch histogram.
        {"percentile", [](ObserverState& st) { st.arrays["histograms"].pop_back(); }, "histograms"},
        // Ragged runs whose lengths do not add up.
        {"pact2", [](ObserverState& st) { st.arrays["levels"].push_back(1.0); }, "add up"},
        {"kl", [](ObserverState& st) { st.arrays["interval_counts"].pop_back(); }, "interval_counts"},
        // A growing histogram with edges for far fewer bins, or negative counts.
        {"hist_entropy", [](ObserverState& st) { st.arrays["hist_edges"].resize(10); }, "edges for"},
        {"hist_entropy", [](ObserverState& st) { st.arrays["hist_counts"][3] = -1.0; }, "non-negative"},
        {"torch_histogram", [](ObserverState& st) { st.arrays["histogram"].resize(100); }, "histogram"},
    };
    for (const Corruption& c : corruptions) {
        ObserverState st = stateOf(c.observer);
        c.corrupt(st);
        const QByteArray message = thrownMessage([&] { restored(st); });
        QVERIFY2(message.contains(c.message), (std::string(c.observer) + ": " + message.toStdString()).c_str());
    }
}

QTEST_GUILESS_MAIN(TestObserverState)
#include "test_observer_state.moc"

// Horizon observer_v2 observers that search per batch or per interval: mse and kl.

#include "core/observers/ema_observer_p.h"
#include "core/observers/histogram.h"
#include "core/observers/kl_search.h"
#include "core/observers/observer_factories_p.h"
#include "core/observers/quant_math.h"
#include "core/observers/range_search_p.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace cs::obs::detail {

namespace {

// ---------------------------------------------------------------------------------------
// Horizon MSEObserver: candidates (min, max) * (1 - 0.01 k) for k = 0, stride, ... < 95,
// the LAST candidate with the smallest ||fq(x) - x|| wins (per channel for per-channel).
// calibscope uses the factor of k itself for stride > 1 (Horizon's `_mse` used the
// candidate's index, a bug the reference removes).
class MseObserver : public Cloneable<MseObserver, HistoryObserver> {
public:
    MseObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("mse", p, s) {}

protected:
    void observeFinite(const FiniteBatch& b) override {
        const int64_t stride = intParam("stride");
        std::vector<float> factors;
        for (int64_t k = 0; k < 95; k += stride) factors.push_back(static_cast<float>(1.0 - 0.01 * static_cast<double>(k)));
        // The last candidate with the smallest error wins.
        pushCurrent(rangeOfEachChannel(b, spec().perChannel(), [&](const float* x, std::size_t n, float lo, float hi) {
            return bestScaledRange(x, n, lo, hi, factors, spec(), true);
        }));
    }
};

// ---------------------------------------------------------------------------------------
// Horizon KLObserver: a growing |x| histogram over `update_interval` batches, then the
// smoothed KL search, an EMA of (-clip, clip) and a fresh histogram. Batches after the last
// complete interval never contribute. Every interval's histogram is retained so start_bin
// and stride retune exactly (memory: bins x intervals).
struct KlInterval {
    std::vector<double> counts;
    std::vector<float> edges;
    double zeros = 0.0;  // the interval saw only zeros
};

class KlObserver : public Cloneable<KlObserver, StatsEmaObserver<KlInterval>> {
public:
    KlObserver(const ParamMap& p, const QuantSpec& s)
        : Cloneable("kl", p, s), hist_(static_cast<int64_t>(std::llround(p.at("bins")))) {}

protected:
    using Interval = KlInterval;

    void observeFinite(const FiniteBatch& b) override {
        hist_.add(b.data, b.size);
        if (hist_.mergeFactor() > 1)
            addWarning("the range grew more than " + std::to_string(hist_.maxBins()) +
                       " bins' worth within an interval: bins were merged by " + std::to_string(hist_.mergeFactor()));
        if (++step_ < intParam("update_interval")) return;
        pushStats(Interval{hist_.counts(), hist_.edges(), hist_.pendingZeros()});
        hist_.clear();
        step_ = 0;
    }

    // Horizon's n = -qinfo(dtype).min (128 for qint8); unsigned types would give 0, so they
    // use their level count instead (documented deviation, no reference exists).
    int64_t quantBins() const {
        const int bits = bitWidth(spec().dtype);
        return isSigned(spec().dtype) ? (int64_t{1} << (bits - 1)) : (int64_t{1} << bits);
    }

    Current current(const Interval& iv) const override {
        float clip = 0.0f;
        if (!iv.counts.empty()) {
            const int64_t idx = horizonKlSelect(iv.counts, quantBins(), intParam("start_bin"), intParam("stride"));
            const auto last = static_cast<int64_t>(iv.edges.size()) - 1;
            clip = iv.edges[static_cast<std::size_t>(idx < 0 || idx > last ? last : idx)];
        }
        return Current{{-clip}, {clip}};
    }

    void computeResult(ObserverResult& r) const override {
        if (stats_.empty()) {
            setNoStatistics(r, ("no statistics: " + std::to_string(step_) + " batch(es) observed, the first KL update needs " +
                                std::to_string(intParam("update_interval")))
                                   .c_str());
            return;
        }
        EmaObserver::computeResult(r);
        r.extras["pending_batches"] = static_cast<double>(step_);
        if (step_ > 0)
            r.warning += (r.warning.empty() ? "" : "; ") + std::to_string(step_) +
                         " batch(es) after the last complete update_interval are not used";
    }

    void resetState() override {
        StatsEmaObserver::resetState();
        hist_ = GrowingAbsHistogram(intParam("bins"));
        step_ = 0;
    }

    // Completed intervals (ragged: lengths stored beside the concatenated values), the open
    // histogram and its batch count; the EMA state is replayed from the intervals.
    void saveStateData(ObserverState& st) const override {
        std::vector<double> zeros;
        for (const Interval& iv : stats_) zeros.push_back(iv.zeros);
        putRuns(st, "interval_bins", "interval_counts", stats_, &Interval::counts);
        putRuns(st, "interval_edge_count", "interval_edges", stats_, &Interval::edges);
        putArray(st, "interval_zeros", zeros);
        putHistogram(st, "open_", hist_);
        st.scalars["step"] = static_cast<double>(step_);
    }
    void loadStateData(const StateReader& r) override {
        const int64_t interval = intParam("update_interval");
        const int64_t step = r.integer("step", 0, interval - 1);
        if ((r.batches() - step) % interval != 0) r.fail("the batch count does not fit update_interval");
        const auto n = static_cast<std::size_t>((r.batches() - step) / interval);
        const std::vector<int64_t> bins = r.integers("interval_bins", n, 0, int64_t{1} << 32);
        const std::vector<int64_t> edgeCount = r.integers("interval_edge_count", n, 0, int64_t{1} << 32);
        const auto counts = splitRuns(r, r.amounts("interval_counts", StateReader::kAnySize), bins, "interval_counts");
        const auto edges = splitRuns(r, r.floats("interval_edges", StateReader::kAnySize), edgeCount, "interval_edges");
        const std::vector<double> zeros = r.amounts("interval_zeros", n);
        std::vector<Interval> intervals(n);
        for (std::size_t i = 0; i < n; ++i) {
            // current() reads the edge at the chosen bin (clamped to the last edge).
            if (!counts[i].empty() && edges[i].size() < 2) r.fail("an interval histogram without edges");
            intervals[i] = Interval{counts[i], edges[i], zeros[i]};
        }
        GrowingAbsHistogram open = r.histogram("open_", intParam("bins"));
        hist_ = std::move(open);
        step_ = step;
        adoptStats(std::move(intervals));
    }

    GrowingAbsHistogram hist_;
    int64_t step_ = 0;
};

}  // namespace

std::unique_ptr<Observer> makeMse(const ParamMap& p, const QuantSpec& s) { return std::make_unique<MseObserver>(p, s); }
std::unique_ptr<Observer> makeKl(const ParamMap& p, const QuantSpec& s) { return std::make_unique<KlObserver>(p, s); }

}  // namespace cs::obs::detail

// Horizon observer_v2 observers whose per-batch statistic is a direct formula:
// min_max (= PyTorch MovingAverage(PerChannel)MinMaxObserver), clip, clip_std, fixed_scale,
// percentile and mix.

#include "core/observers/ema_observer_p.h"
#include "core/observers/histogram.h"
#include "core/observers/mse_search.h"
#include "core/observers/observer_factories_p.h"
#include "core/observers/quant_math.h"
#include "core/observers/range_search_p.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace cs::obs::detail {

void EmaObserver::computeResult(ObserverResult& r) const {
    if (min_.empty()) {
        setNoStatistics(r, "no statistics: no batch observed");
        return;
    }
    r.min = min_;
    r.max = max_;
    QParams q = calculateQParams(min_, max_, spec());
    r.scale = std::move(q.scale);
    r.zeroPoint = std::move(q.zeroPoint);
    r.hasStatistics = true;
    for (std::size_t c = 0; c < seen_.size(); ++c)
        if (!seen_[c]) {
            r.min[c] = r.max[c] = 0.0f;
            r.scale[c] = 1.0f;
            r.zeroPoint[c] = 0;
            r.warning = "some channels had no finite value: scale 1.0 there";
        }
}

namespace {

// Per-channel (or whole-tensor) aminmax of one batch; NaN marks an empty channel.
EmaObserver::Current batchMinMax(const FiniteBatch& b, bool perChannel) {
    return rangeOfEachChannel(b, perChannel, [](const float*, std::size_t, float lo, float hi) {
        return std::pair<float, float>(lo, hi);
    });
}

// ---------------------------------------------------------------------------------------
class MinMaxObserver : public Cloneable<MinMaxObserver, HistoryObserver> {
public:
    MinMaxObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("min_max", p, s) {}

protected:
    void observeFinite(const FiniteBatch& b) override { pushCurrent(batchMinMax(b, spec().perChannel())); }
};

// ---------------------------------------------------------------------------------------
class ClipObserver : public Cloneable<ClipObserver, HistoryObserver> {
public:
    ClipObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("clip", p, s) {}

protected:
    void observeFinite(const FiniteBatch& b) override { pushCurrent(batchMinMax(b, spec().perChannel())); }
    // Horizon clamps the running state in place (min_val.clamp_min_, max_val.clamp_max_),
    // so the clamp feeds the next EMA step; min may end above max, as there.
    void clampState(float& mn, float& mx) const override {
        mn = std::max(mn, static_cast<float>(param("xmin")));
        mx = std::min(mx, static_cast<float>(param("xmax")));
    }
};

// ---------------------------------------------------------------------------------------
struct ClipStdStats {
    float min, max, mean, std;
};

class ClipStdObserver : public Cloneable<ClipStdObserver, StatsEmaObserver<ClipStdStats>> {
public:
    ClipStdObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("clip_std", p, s) {}

protected:
    using Stats = ClipStdStats;

    void observeFinite(const FiniteBatch& b) override {
        Stats s{};
        aminmax(b, s.min, s.max);
        // Two-pass in double: at least as accurate as torch's float32 reductions.
        double sum = 0.0;
        for (std::size_t i = 0; i < b.size; ++i) sum += b.data[i];
        const double mean = sum / static_cast<double>(b.size);
        double ss = 0.0;
        for (std::size_t i = 0; i < b.size; ++i) {
            const double d = b.data[i] - mean;
            ss += d * d;
        }
        s.mean = static_cast<float>(mean);
        // Unbiased std is NaN for one element in torch; 0 keeps the range at the data.
        s.std = b.size > 1 ? static_cast<float>(std::sqrt(ss / static_cast<double>(b.size - 1))) : 0.0f;
        pushStats(s);
    }

    Current current(const Stats& s) const override {
        const float k = static_cast<float>(param("std_scale"));
        const float lo = s.mean - k * s.std;
        const float hi = s.mean + k * s.std;
        return Current{{std::max(s.min, lo)}, {std::min(s.max, hi)}};
    }

    void saveStateData(ObserverState& st) const override {
        std::vector<float> mean, sd;
        for (const Stats& s : stats_) {
            mean.push_back(s.mean);
            sd.push_back(s.std);
        }
        putBatchRanges(st, stats_);
        putArray(st, "batch_mean", mean);
        putArray(st, "batch_std", sd);
    }
    void loadStateData(const StateReader& r) override {
        const auto n = static_cast<std::size_t>(r.batches());
        const BatchRanges range = readBatchRanges(r);
        const std::vector<float> mean = r.floats("batch_mean", n), sd = r.floats("batch_std", n);
        std::vector<Stats> stats(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (!(range.min[i] <= range.max[i]) || sd[i] < 0.0f) r.fail("inconsistent per-batch statistics");
            stats[i] = Stats{range.min[i], range.max[i], mean[i], sd[i]};
        }
        adoptStats(std::move(stats));
    }
};

// ---------------------------------------------------------------------------------------
// The observers whose range is given by their parameters: they keep no statistics, so there
// is nothing to observe, reset, save or load, and every parameter retunes at once.
class NoStatisticsObserver : public Observer {
protected:
    using Observer::Observer;

    void observeFinite(const FiniteBatch&) override {}
    void resetState() override {}
    // Nothing is retained beyond the base fields (batch counters, channel count).
    void saveStateData(ObserverState&) const override {}
    void loadStateData(const StateReader&) override {}
    bool retuneState(const std::set<std::string>&) override { return true; }
    // One value per channel once the channels are known, else one for the tensor.
    std::size_t resultWidth() const {
        return spec().perChannel() && channels() > 0 ? static_cast<std::size_t>(channels()) : 1;
    }
};

class FixedScaleObserver : public Cloneable<FixedScaleObserver, NoStatisticsObserver> {
public:
    FixedScaleObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("fixed_scale", p, s) {}

protected:
    // No statistics are needed: the range is the one the fixed scale can represent.
    void computeResult(ObserverResult& r) const override {
        const float s = static_cast<float>(param("scale"));
        const int64_t z = intParam("zero_point");
        const QuantRange q = quantRange(spec());
        const std::size_t n = resultWidth();
        r.scale.assign(n, s);
        r.zeroPoint.assign(n, z);
        r.min.assign(n, static_cast<float>(q.qmin - z) * s);
        r.max.assign(n, static_cast<float>(q.qmax - z) * s);
        r.hasStatistics = true;
    }
};

// ---------------------------------------------------------------------------------------
// A clip range the user chose (a dragged histogram handle): the point's own grid over
// [xmin, xmax], as PyTorch's calculate_qparams gives it, with no statistics.
class UserRangeObserver : public Cloneable<UserRangeObserver, NoStatisticsObserver> {
public:
    UserRangeObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("user_range", p, s) {}

protected:
    void computeResult(ObserverResult& r) const override {
        const std::size_t n = resultWidth();
        r.min.assign(n, static_cast<float>(param("xmin")));
        r.max.assign(n, static_cast<float>(param("xmax")));
        const QParams q = calculateQParams(r.min, r.max, spec());
        r.scale = q.scale;
        r.zeroPoint = q.zeroPoint;
        r.hasStatistics = true;
    }
};

// ---------------------------------------------------------------------------------------
// Horizon PercentileObserver: a fresh |x| histogram per batch, clip at the bin centre where
// the cumulative count reaches p% of N. Each batch's histogram is retained (bins x uint32)
// so `percentile` can be retuned exactly.
struct PercentileStats {
    float min, max, amax;
    std::size_t n;
    std::vector<uint32_t> hist;  // empty when amax == 0
};

class PercentileObserver : public Cloneable<PercentileObserver, StatsEmaObserver<PercentileStats>> {
public:
    PercentileObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("percentile", p, s) {}

protected:
    using Stats = PercentileStats;

    void observeFinite(const FiniteBatch& b) override {
        Stats s{};
        aminmax(b, s.min, s.max);
        s.amax = std::max(-s.min, s.max);
        s.n = b.size;
        if (s.amax > 0.0f) {
            const int64_t bins = intParam("bins");
            s.hist.assign(static_cast<std::size_t>(bins), 0);
            histcAccumulate(b.data, b.size, true, bins, 0.0f, s.amax, s.hist.data());
        }
        pushStats(std::move(s));
    }

    Current current(const Stats& s) const override {
        float clip = 0.0f;
        if (!s.hist.empty()) {
            const auto bins = static_cast<int64_t>(s.hist.size());
            // The reference rounds (p/100)*N (double) to float32 before comparing.
            const auto target = static_cast<float>(param("percentile") / 100.0 * static_cast<double>(s.n));
            int64_t idx = bins;
            double cum = 0.0;
            for (int64_t i = 0; i < bins; ++i) {
                cum += s.hist[static_cast<std::size_t>(i)];
                if (static_cast<float>(cum) >= target) {
                    idx = i;
                    break;
                }
            }
            clip = static_cast<float>(static_cast<double>(idx) + 0.5) * (s.amax / static_cast<float>(bins));
        }
        return Current{{std::max(s.min, -clip)}, {std::min(s.max, clip)}};
    }

    // amax is recomputed from min/max; histograms of batches with amax > 0 are concatenated.
    void saveStateData(ObserverState& st) const override {
        std::vector<double> count;
        for (const Stats& s : stats_) count.push_back(static_cast<double>(s.n));
        putBatchRanges(st, stats_);
        putArray(st, "batch_count", count);
        putArray(st, "histograms", concatenated(stats_, &Stats::hist));
    }
    void loadStateData(const StateReader& r) override {
        const auto n = static_cast<std::size_t>(r.batches());
        const auto bins = static_cast<std::size_t>(intParam("bins"));
        const BatchRanges range = readBatchRanges(r);
        const std::vector<int64_t> count = r.integers("batch_count", n, 1, int64_t{1} << 53);
        std::vector<Stats> stats(n);
        std::size_t withHist = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const float mn = range.min[i], mx = range.max[i];
            if (!(mn <= mx)) r.fail("a batch minimum above its maximum");
            stats[i] = Stats{mn, mx, std::max(-mn, mx), static_cast<std::size_t>(count[i]), {}};
            withHist += stats[i].amax > 0.0f ? 1 : 0;
        }
        const std::vector<uint32_t> hist = r.counts32("histograms", withHist * bins);
        auto next = hist.begin();
        for (Stats& s : stats)
            if (s.amax > 0.0f) {
                s.hist.assign(next, next + static_cast<std::ptrdiff_t>(bins));
                next += static_cast<std::ptrdiff_t>(bins);
            }
        adoptStats(std::move(stats));
    }
};

// ---------------------------------------------------------------------------------------
// Horizon MixObserver: percentile clips for nine fixed percentiles, keep the one with the
// smallest quantization error of this batch.
class MixObserver : public Cloneable<MixObserver, HistoryObserver> {
public:
    MixObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("mix", p, s) {}

protected:
    void observeFinite(const FiniteBatch& b) override {
        static constexpr std::array<double, 9> kPercentiles{99.9, 99.95, 99.99, 99.993, 99.995,
                                                            99.997, 99.999, 99.9995, 99.9999};
        float mn, mx;
        aminmax(b, mn, mx);
        const float amax = std::max(-mn, mx);
        if (!(amax > 0.0f)) {
            pushCurrent(Current{{mn}, {mx}});
            return;
        }
        const int64_t bins = intParam("bins");
        std::vector<double> hist(static_cast<std::size_t>(bins), 0.0);
        histcAccumulate(b.data, b.size, true, bins, 0.0f, amax, hist.data());
        std::vector<float> cum(hist.size());
        double acc = 0.0;
        for (std::size_t i = 0; i < hist.size(); ++i) cum[i] = static_cast<float>(acc += hist[i]);

        int64_t lastIdx = -1;
        std::vector<Current> ranges;
        std::vector<ErrorCandidate> candidates;
        for (double p : kPercentiles) {
            // Here the reference multiplies in float32: float32(p/100) * float32(N).
            const float target = static_cast<float>(p / 100.0) * static_cast<float>(b.size);
            const auto it = std::lower_bound(cum.begin(), cum.end(), target);
            const int64_t idx = it - cum.begin();
            if (idx == lastIdx) continue;  // duplicate thresholds are tried once
            lastIdx = idx;
            const float clip = static_cast<float>(static_cast<double>(idx) + 0.5) * (amax / static_cast<float>(bins));
            const float cmin = std::max(mn, -clip), cmax = std::min(mx, clip);
            ranges.push_back(Current{{cmin}, {cmax}});
            candidates.push_back(gridCandidate(cmin, cmax, spec()));
        }
        // The first candidate with the smallest error wins.
        Current best = std::move(ranges[squaredErrorArgmin(b.data, b.size, mn, mx, candidates, false)]);
        pushCurrent(std::move(best));
    }
};

}  // namespace

std::unique_ptr<Observer> makeMinMax(const ParamMap& p, const QuantSpec& s) { return std::make_unique<MinMaxObserver>(p, s); }
std::unique_ptr<Observer> makeClip(const ParamMap& p, const QuantSpec& s) { return std::make_unique<ClipObserver>(p, s); }
std::unique_ptr<Observer> makeClipStd(const ParamMap& p, const QuantSpec& s) { return std::make_unique<ClipStdObserver>(p, s); }
std::unique_ptr<Observer> makeFixedScale(const ParamMap& p, const QuantSpec& s) { return std::make_unique<FixedScaleObserver>(p, s); }
std::unique_ptr<Observer> makeUserRange(const ParamMap& p, const QuantSpec& s) { return std::make_unique<UserRangeObserver>(p, s); }
std::unique_ptr<Observer> makePercentile(const ParamMap& p, const QuantSpec& s) { return std::make_unique<PercentileObserver>(p, s); }
std::unique_ptr<Observer> makeMix(const ParamMap& p, const QuantSpec& s) { return std::make_unique<MixObserver>(p, s); }

}  // namespace cs::obs::detail

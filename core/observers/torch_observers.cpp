// PyTorch 1.13 torch.ao.quantization observers: (PerChannel)MinMaxObserver and
// HistogramObserver (with the int() truncation of pytorch#83672 removed).

#include "core/observers/histogram.h"
#include "core/observers/observer_factories_p.h"
#include "core/observers/observer_state_io_p.h"
#include "core/observers/quant_math.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cs::obs::detail {

namespace {

// ---------------------------------------------------------------------------------------
class RunningMinMaxObserver : public Cloneable<RunningMinMaxObserver, Observer> {
public:
    RunningMinMaxObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("running_min_max", p, s) {}

protected:
    void observeFinite(const FiniteBatch& b) override {
        if (!spec().perChannel()) {
            merge(0, b.data, b.size, 1);
            return;
        }
        for (std::size_t c = 0; c < b.channelData.size(); ++c) merge(c, b.channelData[c], b.channelSize[c], b.channelData.size());
    }
    void merge(std::size_t c, const float* x, std::size_t n, std::size_t channels) {
        if (min_.size() != channels) {
            min_.assign(channels, std::numeric_limits<float>::infinity());
            max_.assign(channels, -std::numeric_limits<float>::infinity());
        }
        if (n == 0) return;
        float mn, mx;
        aminmax(x, n, mn, mx);
        min_[c] = std::min(min_[c], mn);
        max_[c] = std::max(max_[c], mx);
    }
    void computeResult(ObserverResult& r) const override {
        if (min_.empty()) {
            setNoStatistics(r, "no statistics: no batch observed");
            return;
        }
        r.min = min_;
        r.max = max_;
        QParams q = calculateQParams(min_, max_, spec());  // (1.0, 0) for empty channels
        r.scale = std::move(q.scale);
        r.zeroPoint = std::move(q.zeroPoint);
        r.hasStatistics = true;
        for (std::size_t c = 0; c < min_.size(); ++c)
            if (!std::isfinite(min_[c])) {
                r.min[c] = r.max[c] = 0.0f;
                r.warning = "some channels had no finite value: scale 1.0 there";
            }
    }
    void resetState() override {
        min_.clear();
        max_.clear();
    }

    void saveStateData(ObserverState& s) const override {
        putArray(s, "min", min_);
        putArray(s, "max", max_);
    }
    void loadStateData(const StateReader& r) override {
        const std::size_t width = r.batches() == 0 ? 0 : spec().perChannel() ? static_cast<std::size_t>(r.channels()) : 1;
        std::vector<float> mn = r.floats("min", width, true), mx = r.floats("max", width, true);
        for (std::size_t c = 0; c < width; ++c) {
            // A channel without values keeps the (+inf, -inf) start.
            const bool empty = mn[c] == std::numeric_limits<float>::infinity() && mx[c] == -mn[c];
            if (!empty && !(std::isfinite(mn[c]) && std::isfinite(mx[c]) && mn[c] <= mx[c]))
                r.fail("channel " + std::to_string(c) + " has an impossible range");
        }
        min_ = std::move(mn);
        max_ = std::move(mx);
    }

    std::vector<float> min_, max_;
};

// ---------------------------------------------------------------------------------------
// HistogramObserver: a histogram over the running [min, max]; when the range widens the old
// histogram is upsampled by U, placed on the new grid and downsampled. qparams come from the
// greedy L2 search of caffe2's NormMinimization over 256 destination bins.
class TorchHistogramObserver : public Cloneable<TorchHistogramObserver, Observer> {
public:
    TorchHistogramObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("torch_histogram", p, s) {}

protected:
    static constexpr int64_t kDstBins = 256;

    void observeFinite(const FiniteBatch& b) override {
        const int64_t bins = intParam("bins");
        float mn, mx;
        aminmax(b, mn, mx);
        if (!initialised_ || min_ == max_) {
            // First batch, or a degenerate range: start over (the old histogram is dropped).
            initialised_ = true;
            min_ = mn;
            max_ = mx;
            hist_.assign(static_cast<std::size_t>(bins), 0.0f);
            const HistcRange r = histcRange(b.data, b.size, false, mn, mx);
            accumulate(b, bins, r.lo, r.hi, hist_);
            return;
        }
        const int64_t up = intParam("upsample_rate");
        float cmin = std::min(mn, min_);
        float cmax = std::max(mx, max_);
        // _adjust_min_max, in float32 like the tensor code: w is the upsampled bin width,
        // D the downsample rate; only the max is relaxed so one-sided data keep min = 0.
        const float w = (max_ - min_) / static_cast<float>(bins * up);
        const float binsW = static_cast<float>(bins) * w;
        const double ratio = std::ceil(static_cast<double>((cmax - cmin) / binsW));
        const int64_t down = static_cast<int64_t>(std::max(1.0, std::min(ratio, 1e9)));
        const float e = static_cast<float>(down) * binsW - (cmax - cmin);
        cmax = cmax + e;
        const int64_t start = static_cast<int64_t>(std::nearbyint(static_cast<double>((min_ - cmin) / w)));

        std::vector<float> fresh(static_cast<std::size_t>(bins), 0.0f);
        const HistcRange r = histcRange(b.data, b.size, false, cmin, cmax);
        accumulate(b, bins, r.lo, r.hi, fresh);
        if (cmin == min_ && cmax == max_) {
            for (std::size_t i = 0; i < fresh.size(); ++i) fresh[i] += hist_[i];
        } else {
            combine(fresh, up, down, start);
        }
        hist_ = std::move(fresh);
        min_ = cmin;
        max_ = cmax;
    }

    static void accumulate(const FiniteBatch& b, int64_t bins, float lo, float hi, std::vector<float>& out) {
        std::vector<double> counts(static_cast<std::size_t>(bins), 0.0);
        histcAccumulate(b.data, b.size, false, bins, lo, hi, counts.data());
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(counts[i]);
    }

    // _combine_histograms without materialising the bins*D upsampled array: the integral of
    // the upsampled old histogram at any position is a prefix sum plus a partial bin.
    void combine(std::vector<float>& fresh, int64_t up, int64_t down, int64_t start) const {
        const auto bins = static_cast<int64_t>(hist_.size());
        std::vector<double> prefix(hist_.size() + 1, 0.0);
        for (std::size_t i = 0; i < hist_.size(); ++i) prefix[i + 1] = prefix[i] + static_cast<double>(hist_[i]);
        const int64_t upLen = bins * up;
        auto integral = [&](int64_t m) {  // sum of upsampled[t] for t <= m
            const int64_t full = std::clamp<int64_t>(m - start + 1, 0, upLen);
            const int64_t q = full / up, rem = full % up;
            double v = static_cast<double>(up) * prefix[static_cast<std::size_t>(q)];
            if (q < bins) v += static_cast<double>(rem) * static_cast<double>(hist_[static_cast<std::size_t>(q)]);
            return v;
        };
        double prev = 0.0;
        for (int64_t k = 0; k < bins; ++k) {
            const double cur = integral((k + 1) * down - 1);
            // torch stores the shifted integral in a float32 buffer before subtracting.
            const double shifted = k == 0 ? 0.0 : static_cast<double>(static_cast<float>(prev));
            fresh[static_cast<std::size_t>(k)] += static_cast<float>((cur - shifted) / static_cast<double>(up));
            prev = cur;
        }
    }

    // caffe2 NormMinimization's L2 error of quantizing bins [s, e] into 256 uniform bins,
    // assuming uniform density inside each source bin.
    double quantizationError(int64_t s, int64_t e) const {
        const auto bins = static_cast<int64_t>(hist_.size());
        const double bw = (static_cast<double>(max_) - static_cast<double>(min_)) / static_cast<double>(bins);
        const double dw = bw * static_cast<double>(e - s + 1) / static_cast<double>(kDstBins);
        if (dw == 0.0) return 0.0;
        const double half = dw / 2.0;
        double norm = 0.0;
        for (int64_t b = 0; b < bins; ++b) {
            const double h = hist_[static_cast<std::size_t>(b)];
            if (h == 0.0) continue;
            const double lo = static_cast<double>(b - s) * bw;
            const double hi = lo + bw;
            const double db = std::clamp(std::floor(lo / dw), 0.0, static_cast<double>(kDstBins - 1));
            const double de = std::clamp(std::floor(hi / dw), 0.0, static_cast<double>(kDstBins - 1));
            const double density = h / bw;
            const double dBegin = lo - (db + 0.5) * dw;
            const double dEnd = hi - (de + 0.5) * dw;
            norm += density * (half * half * half - dBegin * dBegin * dBegin) / 3.0;
            norm += (de - db - 1.0) * density * (half * half * half + half * half * half) / 3.0;
            norm += density * (dEnd * dEnd * dEnd + half * half * half) / 3.0;
        }
        return norm;
    }

    struct Search {
        int64_t start, end;
        float min, max;
    };

    // _non_linear_param_search. The cumulative thresholds compare in float32 as the tensor
    // code does; the l/r scans are binary searches (cSum is non-decreasing).
    Search search() const {
        const auto bins = static_cast<int64_t>(hist_.size());
        std::vector<float> csum(hist_.size());
        double acc = 0.0;
        for (std::size_t i = 0; i < hist_.size(); ++i) csum[i] = static_cast<float>(acc += hist_[i]);
        const double total = static_cast<double>(static_cast<float>(acc));
        const double step = 1e-5;
        double alpha = 0.0, beta = 1.0;
        int64_t startBin = 0, endBin = bins - 1;
        double normMin = std::numeric_limits<double>::infinity();
        while (alpha < beta) {
            const double nextAlpha = alpha + step;
            const double nextBeta = beta - step;
            const auto ta = static_cast<float>(nextAlpha * total);
            const auto tb = static_cast<float>(nextBeta * total);
            // l: first index >= startBin with csum >= ta, at most endBin.
            int64_t l = std::lower_bound(csum.begin() + startBin, csum.begin() + endBin, ta) - csum.begin();
            // r: last index <= endBin with csum <= tb, at least startBin.
            int64_t r = (std::upper_bound(csum.begin() + startBin + 1, csum.begin() + endBin + 1, tb) - csum.begin()) - 1;
            r = std::max(r, startBin);
            int64_t nextStart = startBin, nextEnd = endBin;
            if ((l - startBin) > (endBin - r)) {
                nextStart = l;
                alpha = nextAlpha;
            } else {
                nextEnd = r;
                beta = nextBeta;
            }
            if (nextStart == startBin && nextEnd == endBin) continue;
            const double norm = quantizationError(nextStart, nextEnd);
            if (norm > normMin) break;
            normMin = norm;
            startBin = nextStart;
            endBin = nextEnd;
        }
        const float bw = (max_ - min_) / static_cast<float>(bins);
        return Search{startBin, endBin, min_ + bw * static_cast<float>(startBin),
                      min_ + bw * static_cast<float>(endBin + 1)};
    }

    void computeResult(ObserverResult& r) const override {
        if (!initialised_) {
            setNoStatistics(r, "no statistics: no batch observed");
            return;
        }
        const Search s = search();
        r.min = {min_};
        r.max = {max_};
        float scale;
        int64_t zp;
        calculateQParams(s.min, s.max, spec(), scale, zp);
        r.scale = {scale};
        r.zeroPoint = {zp};
        r.hasStatistics = true;
        r.extras["search_min_val"] = s.min;
        r.extras["search_max_val"] = s.max;
        r.extras["search_start_bin"] = static_cast<double>(s.start);
        r.extras["search_end_bin"] = static_cast<double>(s.end);
        double sum = 0.0;
        for (float h : hist_) sum += h;
        r.extras["histogram_sum"] = sum;
    }

    void resetState() override {
        initialised_ = false;
        hist_.clear();
        min_ = max_ = 0.0f;
    }

    void saveStateData(ObserverState& s) const override {
        s.scalars["min"] = min_;
        s.scalars["max"] = max_;
        putArray(s, "histogram", hist_);
    }
    void loadStateData(const StateReader& r) override {
        const bool initialised = r.batches() > 0;
        const float mn = r.real32("min"), mx = r.real32("max");
        if (!(mn <= mx)) r.fail("the histogram range is reversed");
        // Counts are float32 and may be slightly negative: combine() subtracts rounded
        // integrals exactly as torch does.
        std::vector<float> hist = r.floats("histogram", initialised ? static_cast<std::size_t>(intParam("bins")) : 0);
        initialised_ = initialised;
        min_ = mn;
        max_ = mx;
        hist_ = std::move(hist);
    }

    bool initialised_ = false;
    float min_ = 0.0f, max_ = 0.0f;
    std::vector<float> hist_;
};

}  // namespace

std::unique_ptr<Observer> makeRunningMinMax(const ParamMap& p, const QuantSpec& s) { return std::make_unique<RunningMinMaxObserver>(p, s); }
std::unique_ptr<Observer> makeTorchHistogram(const ParamMap& p, const QuantSpec& s) { return std::make_unique<TorchHistogramObserver>(p, s); }

}  // namespace cs::obs::detail

// NVIDIA pytorch-quantization HistogramCalibrator + compute_amax(percentile|entropy|mse).
// One growing |x| histogram for the whole calibration (never reset); every parameter of
// the amax search is retunable from it.

#include "core/observers/histogram.h"
#include "core/observers/kl_search.h"
#include "core/observers/mse_search.h"
#include "core/observers/observer_factories_p.h"
#include "core/observers/observer_state_io_p.h"
#include "core/observers/quant_math.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace cs::obs::detail {

namespace {

// The three calibrators differ only in the amax search over the histogram, a member chosen
// by the factory.
class HistCalibObserver : public Cloneable<HistCalibObserver, Observer> {
public:
    struct Amax {
        float amax = 0.0f;
        int64_t index = -1;
    };
    using AmaxSearch = Amax (HistCalibObserver::*)(const std::vector<double>& counts,
                                                   const std::vector<float>& edges) const;

    HistCalibObserver(const char* name, const ParamMap& p, const QuantSpec& s, AmaxSearch computeAmax)
        : Cloneable(name, p, s), computeAmax_(computeAmax), hist_(static_cast<int64_t>(std::llround(p.at("num_bins")))) {}

    // cdf = cumsum(hist / total) in float64 (numpy's sequential accumulate);
    // amax = edges[searchsorted_left(cdf, p / 100)], the left edge of that bin.
    Amax percentileAmax(const std::vector<double>& counts, const std::vector<float>& edges) const {
        double total = 0.0;
        for (double c : counts) total += std::trunc(c);
        const double target = param("percentile") / 100.0;
        int64_t idx = static_cast<int64_t>(counts.size());
        double cdf = 0.0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
            cdf += std::trunc(counts[i]) / total;
            if (cdf >= target) {
                idx = static_cast<int64_t>(i);
                break;
            }
        }
        return Amax{edgeAt(edges, idx), idx};
    }

    Amax entropyAmax(const std::vector<double>& counts, const std::vector<float>& edges) const {
        const int64_t n = int64_t{1} << (bits() - 1 + (isUnsigned() ? 1 : 0));
        const int64_t i = nvidiaEntropySelect(counts, n, intParam("start_bin"), intParam("stride"));
        // No candidate (start_bin beyond the histogram): keep the whole range.
        const int64_t idx = i < 0 ? static_cast<int64_t>(edges.size()) - 1 : i;
        return Amax{edgeAt(edges, idx), idx};
    }

    Amax mseAmax(const std::vector<double>& counts, const std::vector<float>& edges) const {
        const MseChoice c = nvidiaMseSelect(counts, edges, bits(), isUnsigned(), intParam("start_bin"), intParam("stride"));
        // No candidate (start_bin beyond the histogram): keep the whole range.
        if (c.index < 0) return Amax{edges.empty() ? 0.0f : edges.back(), static_cast<int64_t>(edges.size()) - 1};
        return Amax{c.amax, c.index};
    }

protected:

    void observeFinite(const FiniteBatch& b) override {
        float mn = 0.0f, mx = 0.0f;
        if (b.size > 0) aminmax(b, mn, mx);
        dataMin_ = std::min(dataMin_, mn);
        hist_.add(b.data, b.size, boolParam("skip_zeros"));
        if (hist_.mergeFactor() > 1)
            addWarning("the range grew more than " + std::to_string(hist_.maxBins()) +
                       " bins' worth: bins were merged by " + std::to_string(hist_.mergeFactor()));
    }
    bool retuneState(const std::set<std::string>&) override { return true; }  // computed on demand
    void resetState() override {
        hist_ = GrowingAbsHistogram(intParam("num_bins"));
        dataMin_ = 0.0f;
    }
    // The one growing histogram and the smallest value seen are the whole state; every amax
    // search runs on demand.
    void saveStateData(ObserverState& s) const override {
        putHistogram(s, "hist_", hist_);
        s.scalars["data_min"] = static_cast<double>(dataMin_);
    }
    void loadStateData(const StateReader& r) override {
        GrowingAbsHistogram h = r.histogram("hist_", intParam("num_bins"));
        // States written before the sign was kept have no data_min: they keep the unsigned
        // grid they were computed with.
        float mn = 0.0f;
        if (r.state().scalars.count("data_min")) {
            mn = r.real32("data_min");
            if (mn > 0.0f) r.fail("data_min must not be positive");
        }
        hist_ = std::move(h);
        dataMin_ = mn;
    }

    // The unsigned grid [0, amax] (NVIDIA's unsigned mode) serves only data without a
    // negative side; data with one takes the signed mode's symmetric [-amax, amax] even on
    // an unsigned dtype (zero point at the middle of the grid), or its negative side would
    // be clipped to 0.
    bool isUnsignedDtype() const { return !isSigned(spec().dtype); }
    bool isUnsigned() const { return isUnsignedDtype() && !(dataMin_ < 0.0f); }
    int bits() const { return bitWidth(spec().dtype); }

    static float edgeAt(const std::vector<float>& edges, int64_t i) {
        const auto last = static_cast<int64_t>(edges.size()) - 1;
        return edges[static_cast<std::size_t>(std::clamp<int64_t>(i, 0, last))];
    }

    void computeResult(ObserverResult& r) const override {
        Amax a;
        if (hist_.degenerate()) {
            if (hist_.pendingZeros() == 0.0) {
                setNoStatistics(r, "no statistics: no batch observed");
                return;
            }
            r.warning = "all observed values are zero";
        } else {
            a = (this->*computeAmax_)(hist_.counts(), hist_.edges());
        }
        r.min = {isUnsigned() ? 0.0f : -a.amax};
        r.max = {a.amax};
        float scale = nvidiaScale(a.amax, bits(), isUnsigned());
        if (spec().powerOfTwo) scale = horizonPowerOfTwoScale(scale);
        r.scale = {scale};
        r.zeroPoint = {0};
        if (isUnsignedDtype() && !isUnsigned()) {
            const QuantRange q = quantRange(spec());
            r.zeroPoint = {(q.qmin + q.qmax + 1) / 2};
        }
        r.extras["signed"] = isUnsigned() ? 0.0 : 1.0;
        r.hasStatistics = true;
        r.extras["amax"] = a.amax;
        r.extras["selected_index"] = static_cast<double>(a.index);
        r.extras["histogram_bins"] = static_cast<double>(hist_.counts().size());
    }

    AmaxSearch computeAmax_;
    GrowingAbsHistogram hist_;
    float dataMin_ = 0.0f;  // smallest finite value observed (0 when none was negative)
};

}  // namespace

std::unique_ptr<Observer> makeHistPercentile(const ParamMap& p, const QuantSpec& s) {
    return std::make_unique<HistCalibObserver>("hist_percentile", p, s, &HistCalibObserver::percentileAmax);
}
std::unique_ptr<Observer> makeHistEntropy(const ParamMap& p, const QuantSpec& s) {
    return std::make_unique<HistCalibObserver>("hist_entropy", p, s, &HistCalibObserver::entropyAmax);
}
std::unique_ptr<Observer> makeHistMse(const ParamMap& p, const QuantSpec& s) {
    return std::make_unique<HistCalibObserver>("hist_mse", p, s, &HistCalibObserver::mseAmax);
}

}  // namespace cs::obs::detail

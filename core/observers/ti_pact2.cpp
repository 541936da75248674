// TI edgeailite PAct2 range estimation (train-mode update_clips_act with utils.extrema).
// Per batch: a 256-level histogram of x between its min and max, both ends shrunk by
// `range_shrink_activations` percent, then a running mean of the clips (batches 0 and 1
// both overwrite, floor 0.001). The per-batch level counts are retained (<= 257 words per
// batch) so the shrink percentage and the power-of-two switch retune exactly.
// The random 2x2 sub-sampling of TI's fast mode is off (it is non-deterministic).

#include "core/observers/observer_factories_p.h"
#include "core/observers/observer_state_io_p.h"
#include "core/observers/quant_math.h"

#include <algorithm>
#include <cmath>

namespace cs::obs::detail {

namespace {

class Pact2Observer : public Cloneable<Pact2Observer, Observer> {
public:
    Pact2Observer(const ParamMap& p, const QuantSpec& s) : Cloneable("pact2", p, s) {}

protected:
    static constexpr float kRangeInit = 8.0f;
    static constexpr double kUpdateFactorMin = 0.001;
    static constexpr float kClipEps = 1.0f / 65536.0f;

    struct Stats {
        float min, max, mult;
        std::vector<uint32_t> levels;  // bincount of round((x - min) * mult); empty: not needed
    };

    void observeFinite(const FiniteBatch& b) override {
        Stats s{};
        aminmax(b, s.min, s.max);
        if (s.max > s.min) {
            // 255 / range is computed by torch as reciprocal(range) * 255.
            s.mult = (1.0f / std::fabs(s.max - s.min)) * 255.0f;
            s.levels.assign(257, 0);
            std::size_t top = 0;
            // Levels lie in [0, 255] (plus rounding), far below 2^22: adding and removing
            // 1.5 * 2^23 rounds half to even exactly like torch.round, without a libm call.
            const float magic = 12582912.0f;
            for (std::size_t i = 0; i < b.size; ++i) {
                const float v = ((b.data[i] - s.min) * s.mult + magic) - magic;
                const auto level = static_cast<std::size_t>(std::clamp(v, 0.0f, 256.0f));
                ++s.levels[level];
                top = std::max(top, level);
            }
            s.levels.resize(top + 1);  // torch.bincount's length is max + 1
        }
        stats_.push_back(std::move(s));
        update(stats_.size() - 1);
    }

    // utils.extrema(x, range_shrink_percentile): the edge from each side is the last level
    // whose running percentage (float32 percents summed in float64) stays below the shrink.
    void extrema(const Stats& s, float& lo, float& hi) const {
        lo = s.min;
        hi = s.max;
        const double shrink = param("range_shrink_activations");
        if (s.levels.empty() || shrink == 0.0) return;  // min == max (incl. all zeros), or no shrink
        double total = 0.0;
        for (uint32_t c : s.levels) total += c;
        const auto totalF = static_cast<float>(total);
        const std::size_t len = s.levels.size();
        std::size_t lowEdge = 0, highEdge = len - 1;
        double left = 0.0, right = 0.0;
        for (std::size_t h = 0; h < len; ++h) {
            const std::size_t r = len - 1 - h;
            left += static_cast<double>(static_cast<float>(s.levels[h]) * 100.0f / totalF);
            right += static_cast<double>(static_cast<float>(s.levels[r]) * 100.0f / totalF);
            if (left < shrink) lowEdge = h;
            if (right < shrink) highEdge = r;
        }
        const float inv = 1.0f / s.mult;
        lo = std::max(s.min, inv * static_cast<float>(lowEdge) + s.min);
        hi = std::min(s.max, inv * static_cast<float>(highEdge) + s.min);
    }

    // Batch n (0-based) moves the clips by u = max(1 / max(n, 1), 0.001), in float32.
    void update(std::size_t n) {
        float lo, hi;
        extrema(stats_[n], lo, hi);
        const double u = std::max(1.0 / static_cast<double>(n == 0 ? 1 : n), kUpdateFactorMin);
        const auto keep = static_cast<float>(1.0 - u), take = static_cast<float>(u);
        clipMin_ = clipMin_ * keep + lo * take;
        clipMax_ = clipMax_ * keep + hi * take;
    }

    void replay() {
        clipMin_ = -kRangeInit;
        clipMax_ = kRangeInit;
        for (std::size_t n = 0; n < stats_.size(); ++n) update(n);
    }

    bool retuneState(const std::set<std::string>&) override {
        replay();
        return true;
    }

    void computeResult(ObserverResult& r) const override {
        if (stats_.empty()) {
            setNoStatistics(r, "no statistics: no batch observed");
            return;
        }
        const bool isSignedRange = clipMin_ < 0.0f;
        float m = isSignedRange ? std::max(std::fabs(clipMin_), std::fabs(clipMax_)) : std::fabs(clipMax_);
        m = std::max(m, kClipEps);
        if (boolParam("power2_activation_range")) {
            const float lg = static_cast<float>(std::log2(static_cast<double>(m)));  // float32 log2
            m = static_cast<float>(std::exp2(std::ceil(static_cast<double>(lg))));
        }
        const int bits = bitWidth(spec().dtype);
        const float levels = static_cast<float>(std::exp2(isSignedRange ? bits - 1 : bits));
        r.min = {clipMin_};
        r.max = {clipMax_};
        r.scale = {m / levels};
        r.zeroPoint = {0};
        // A signed clip range on an unsigned dtype: TI's signed grid [-m, m) with the zero
        // point at the middle of the unsigned one, so the negative side is not clipped to 0.
        if (isSignedRange && !isSigned(spec().dtype)) {
            const QuantRange q = quantRange(spec());
            r.zeroPoint = {(q.qmin + q.qmax + 1) / 2};
        }
        r.hasStatistics = true;
        r.extras["clip_min"] = isSignedRange ? -m : 0.0f;
        r.extras["clip_max"] = m;
        r.extras["amax"] = m;
        r.extras["signed"] = isSignedRange ? 1.0 : 0.0;
    }

    // min/max and level counts per batch; mult is recomputed exactly as observeFinite did, and
    // the running clips are replayed.
    void saveStateData(ObserverState& st) const override {
        putBatchRanges(st, stats_);
        putRuns(st, "levels_length", "levels", stats_, &Stats::levels);
    }
    void loadStateData(const StateReader& r) override {
        const auto n = static_cast<std::size_t>(r.batches());
        const BatchRanges range = readBatchRanges(r);
        const std::vector<float>& mn = range.min;
        const std::vector<float>& mx = range.max;
        const std::vector<int64_t> len = r.integers("levels_length", n, 0, 257);
        std::vector<uint32_t> all = r.counts32("levels", StateReader::kAnySize);
        const auto runs = splitRuns(r, all, len, "levels");
        std::vector<Stats> stats(n);
        for (std::size_t i = 0; i < n; ++i) {
            // Only a batch with max > min has level counts (at least one level).
            if (!(mn[i] <= mx[i]) || (mx[i] > mn[i]) != !runs[i].empty()) r.fail("inconsistent per-batch levels");
            stats[i] = Stats{mn[i], mx[i], mx[i] > mn[i] ? (1.0f / std::fabs(mx[i] - mn[i])) * 255.0f : 0.0f, runs[i]};
        }
        stats_ = std::move(stats);
        replay();
    }

    void resetState() override {
        stats_.clear();
        clipMin_ = -kRangeInit;
        clipMax_ = kRangeInit;
    }

    std::vector<Stats> stats_;
    float clipMin_ = -kRangeInit, clipMax_ = kRangeInit;
};

}  // namespace

std::unique_ptr<Observer> makePact2(const ParamMap& p, const QuantSpec& s) { return std::make_unique<Pact2Observer>(p, s); }

}  // namespace cs::obs::detail

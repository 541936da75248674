// calibscope weight_mse: the clip range of each weight channel (or of the whole tensor) that
// minimises the squared quantization error of that channel on its own grid.
//
// Candidates: the channel's (min, max) scaled by f = 1 - 0.5 k / 99, k = 0..99 (100 ranges
// from the full range down to half of it). Steps of about 0.5 % of max|W_c| are finer than one
// qint8 level (0.8 %), so the search resolves what an 8-bit grid can express; half the range
// is the floor because a clip below it discards the top half of the channel, where the few
// large weights that carry most of a layer's output live. Every candidate's grid is the one
// calculateQParams gives the point's QuantSpec (dtype, scheme, narrow range, power of two),
// so the error compared is the error of the grid the model will use. The first (widest)
// candidate is min_max's own range, and ties keep the wider one: the chosen error is never
// above min_max's. Several batches (an activation) are averaged like min_max's (EMA).

#include "core/observers/ema_observer_p.h"
#include "core/observers/mse_search.h"
#include "core/observers/observer_factories_p.h"
#include "core/observers/quant_math.h"

#include <limits>

namespace cs::obs::detail {

namespace {

constexpr int kCandidates = 100;
constexpr double kLowestFraction = 0.5;

class WeightMseObserver : public HistoryObserver {
public:
    WeightMseObserver(const ParamMap& p, const QuantSpec& s) : HistoryObserver("weight_mse", p, s) {}
    std::unique_ptr<Observer> clone() const override { return std::make_unique<WeightMseObserver>(*this); }

protected:
    void observeFinite(const FiniteBatch& b) override {
        if (!spec().perChannel()) {
            float lo, hi, mn, mx;
            aminmax(b, lo, hi);
            search(b.data, b.size, lo, hi, mn, mx);
            pushCurrent(Current{{mn}, {mx}});
            return;
        }
        const std::size_t nc = b.channelData.size();
        Current c{std::vector<float>(nc, std::numeric_limits<float>::quiet_NaN()),
                  std::vector<float>(nc, std::numeric_limits<float>::quiet_NaN())};
        for (std::size_t k = 0; k < nc; ++k)
            if (b.channelSize[k] > 0) {
                float lo, hi;
                aminmax(b.channelData[k], b.channelSize[k], lo, hi);
                search(b.channelData[k], b.channelSize[k], lo, hi, c.min[k], c.max[k]);
            }
        pushCurrent(std::move(c));
    }

private:
    void search(const float* x, std::size_t n, float mn, float mx, float& bestMin, float& bestMax) const {
        const QuantRange range = quantRange(spec());
        std::vector<float> cmin, cmax;
        std::vector<ErrorCandidate> candidates;
        cmin.reserve(kCandidates);
        cmax.reserve(kCandidates);
        candidates.reserve(kCandidates);
        for (int k = 0; k < kCandidates; ++k) {
            const auto f = static_cast<float>(1.0 - kLowestFraction * k / (kCandidates - 1));
            float scale;
            int64_t zp;
            calculateQParams(mn * f, mx * f, spec(), scale, zp);
            cmin.push_back(mn * f);
            cmax.push_back(mx * f);
            candidates.push_back(ErrorCandidate{scale, static_cast<float>(range.qmin - zp), static_cast<float>(range.qmax - zp)});
        }
        // The first candidate with the smallest error wins: ties keep the wider range.
        const std::size_t pick = squaredErrorArgmin(x, n, mn, mx, candidates, false);
        bestMin = cmin[pick];
        bestMax = cmax[pick];
    }
};

}  // namespace

std::unique_ptr<Observer> makeWeightMse(const ParamMap& p, const QuantSpec& s) {
    return std::make_unique<WeightMseObserver>(p, s);
}

}  // namespace cs::obs::detail

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
#include "core/observers/observer_factories_p.h"
#include "core/observers/range_search_p.h"

#include <vector>

namespace cs::obs::detail {

namespace {

constexpr int kCandidates = 100;
constexpr double kLowestFraction = 0.5;

class WeightMseObserver : public Cloneable<WeightMseObserver, HistoryObserver> {
public:
    WeightMseObserver(const ParamMap& p, const QuantSpec& s) : Cloneable("weight_mse", p, s) {}

protected:
    void observeFinite(const FiniteBatch& b) override {
        std::vector<float> factors;
        factors.reserve(kCandidates);
        for (int k = 0; k < kCandidates; ++k)
            factors.push_back(static_cast<float>(1.0 - kLowestFraction * k / (kCandidates - 1)));
        // The first candidate with the smallest error wins: ties keep the wider range.
        pushCurrent(rangeOfEachChannel(b, spec().perChannel(), [&](const float* x, std::size_t n, float lo, float hi) {
            return bestScaledRange(x, n, lo, hi, factors, spec(), false);
        }));
    }
};

}  // namespace

std::unique_ptr<Observer> makeWeightMse(const ParamMap& p, const QuantSpec& s) {
    return std::make_unique<WeightMseObserver>(p, s);
}

}  // namespace cs::obs::detail

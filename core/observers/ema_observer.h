#pragma once
// Private to the observer library: the shape shared by the Horizon observers (and PyTorch's
// moving-average min/max). Each batch yields a current (min, max) per channel; the state is
// the EMA of those, first batch copied. The per-batch values are retained (O(batches x
// channels)), so a new averaging constant - or any parameter from which a subclass can
// rebuild the per-batch values out of its own retained statistics - is an exact replay.

#include "core/observers/observer.h"

#include <cmath>
#include <vector>

namespace cs::obs::detail {

class EmaObserver : public Observer {
public:
    struct Current {
        std::vector<float> min;  // NaN: this channel had no value in the batch
        std::vector<float> max;
    };

protected:
    using Observer::Observer;

    void pushCurrent(Current c) {
        history_.push_back(std::move(c));
        apply(history_.back());
    }
    // Subclasses that derive the per-batch values from retained statistics recompute
    // history_ here (called before a replay on retune).
    virtual void rebuildHistory() {}
    // Horizon ClipObserver clamps its state after every update.
    virtual void clampState(float& /*mn*/, float& /*mx*/) const {}
    virtual float averagingConstant() const { return static_cast<float>(param("averaging_constant")); }

    void replay() {
        min_.clear();
        max_.clear();
        seen_.clear();
        for (const Current& c : history_) apply(c);
    }

    bool retuneState(const std::set<std::string>& /*changed*/) override {
        rebuildHistory();
        replay();
        return true;
    }

    void resetState() override {
        history_.clear();
        min_.clear();
        max_.clear();
        seen_.clear();
    }

    // min/max state -> result with PyTorch/Horizon qparams.
    void computeResult(ObserverResult& r) const override;

    std::vector<Current> history_;
    std::vector<float> min_, max_;
    std::vector<char> seen_;

private:
    void apply(const Current& c) {
        const std::size_t n = c.min.size();
        if (min_.size() != n) {
            min_.assign(n, 0.0f);
            max_.assign(n, 0.0f);
            seen_.assign(n, 0);
        }
        const float k = averagingConstant();
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(c.min[i])) continue;
            if (!seen_[i]) {
                min_[i] = c.min[i];
                max_[i] = c.max[i];
                seen_[i] = 1;
            } else {
                min_[i] = emaUpdate(min_[i], c.min[i], k);
                max_[i] = emaUpdate(max_[i], c.max[i], k);
            }
            clampState(min_[i], max_[i]);
        }
    }
};

}  // namespace cs::obs::detail

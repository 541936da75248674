#pragma once
// Private to the observer library: the shape shared by the Horizon observers (and PyTorch's
// moving-average min/max). Each batch yields a current (min, max) per channel; the state is
// the EMA of those, first batch copied. The per-batch values are retained (O(batches x
// channels)), so a new averaging constant - or any parameter from which a subclass can
// rebuild the per-batch values out of its own retained statistics - is an exact replay.

#include "core/observers/observer.h"
#include "core/observers/observer_state_io_p.h"

#include <algorithm>
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

    // State of the observers whose per-batch values are their primary data (min_max, clip,
    // mse, mix): history_ flattened, `width` channels per batch.
    void saveHistory(ObserverState& s) const {
        std::vector<float> mn, mx;
        for (const Current& c : history_) {
            mn.insert(mn.end(), c.min.begin(), c.min.end());
            mx.insert(mx.end(), c.max.begin(), c.max.end());
        }
        putArray(s, "history_min", mn);
        putArray(s, "history_max", mx);
    }
    std::vector<Current> readHistory(const StateReader& r, std::size_t entries, std::size_t width) const {
        if (width > 0 && entries > static_cast<std::size_t>(-1) / width) r.fail("too many per-batch values");
        // NaN marks a channel without values in that batch (on both ends).
        const std::vector<float> mn = r.floats("history_min", entries * width, true);
        const std::vector<float> mx = r.floats("history_max", entries * width, true);
        std::vector<Current> h(entries);
        for (std::size_t e = 0; e < entries; ++e)
            for (std::size_t k = e * width; k < (e + 1) * width; ++k) {
                if (std::isnan(mn[k]) != std::isnan(mx[k]) || std::isinf(mn[k]) || std::isinf(mx[k]))
                    r.fail("per-batch min/max must be finite (or NaN on both ends)");
                h[e].min.push_back(mn[k]);
                h[e].max.push_back(mx[k]);
            }
        return h;
    }
    // The channels of one per-batch entry: the observed channel count for per-channel grids.
    std::size_t historyWidth(const StateReader& r) const {
        return spec().perChannel() ? static_cast<std::size_t>(std::max<int64_t>(r.channels(), 0)) : 1;
    }
    // Recomputes the EMA state from per-batch values, in the order they were observed.
    void adoptHistory(std::vector<Current> h) {
        history_ = std::move(h);
        replay();
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

// An EmaObserver whose per-batch values are its primary data (one entry per batch).
class HistoryObserver : public EmaObserver {
protected:
    using EmaObserver::EmaObserver;
    void saveStateData(ObserverState& s) const override { saveHistory(s); }
    void loadStateData(const StateReader& r) override {
        adoptHistory(readHistory(r, static_cast<std::size_t>(r.batches()), historyWidth(r)));
    }
};

}  // namespace cs::obs::detail

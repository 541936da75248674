#pragma once
// Private to the observer library: the shape shared by the Horizon observers (and PyTorch's
// moving-average min/max). Each batch yields a current (min, max) per channel; the state is
// the EMA of those, first batch copied. The per-batch values are retained (O(batches x
// channels)), so a new averaging constant - or any parameter from which a subclass can
// rebuild the per-batch values out of its own retained statistics - is an exact replay.

#include "core/observers/observer.h"
#include "core/observers/observer_factories_p.h"
#include "core/observers/observer_state_io_p.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>
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

// An EmaObserver whose per-batch values come from retained statistics, one `Stats` per batch
// (or per interval): a retune recomputes every value from them with the new parameters.
template <typename Stats>
class StatsEmaObserver : public EmaObserver {
protected:
    using EmaObserver::EmaObserver;

    // The (min, max) that one entry of statistics gives under the current parameters.
    virtual Current current(const Stats& s) const = 0;

    void pushStats(Stats s) {
        stats_.push_back(std::move(s));
        pushCurrent(current(stats_.back()));
    }
    void rebuildHistory() override {
        history_.clear();
        for (const Stats& s : stats_) history_.push_back(current(s));
    }
    void resetState() override {
        EmaObserver::resetState();
        stats_.clear();
    }
    // Adopts statistics read from a state and recomputes everything derived from them.
    void adoptStats(std::vector<Stats> stats) {
        stats_ = std::move(stats);
        rebuildHistory();
        replay();
    }

    std::vector<Stats> stats_;
};

// One batch's range per channel (one for a per-tensor spec): pick(x, n, lo, hi) gives the
// (min, max) of the n values x whose aminmax is [lo, hi]. NaN marks a channel without values.
template <typename Pick>
EmaObserver::Current rangeOfEachChannel(const FiniteBatch& b, bool perChannel, Pick pick) {
    EmaObserver::Current c;
    if (!perChannel) {
        float lo, hi;
        aminmax(b, lo, hi);
        const std::pair<float, float> r = pick(b.data, b.size, lo, hi);
        c.min = {r.first};
        c.max = {r.second};
        return c;
    }
    const std::size_t nc = b.channelData.size();
    c.min.assign(nc, std::numeric_limits<float>::quiet_NaN());
    c.max.assign(nc, std::numeric_limits<float>::quiet_NaN());
    for (std::size_t k = 0; k < nc; ++k)
        if (b.channelSize[k] > 0) {
            float lo, hi;
            aminmax(b.channelData[k], b.channelSize[k], lo, hi);
            std::tie(c.min[k], c.max[k]) = pick(b.channelData[k], b.channelSize[k], lo, hi);
        }
    return c;
}

}  // namespace cs::obs::detail

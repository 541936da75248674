#pragma once
// The streaming observer interface: one object per quantization point, fed batch by batch,
// asked for min/max and scale/zero point at any time. Create observers through
// createObserver() (observer_registry.h); the concrete classes are private to the library.
//
// Bad input policy (the same for every observer):
//  - NaN/Inf elements are ignored by every statistic and counted in result().nonFinite;
//  - a batch with no finite element (or no element at all) is skipped with a warning;
//  - with no statistics at all, result() has hasStatistics = false, empty min/max,
//    scale [1.0] and zero point [0] (what PyTorch and Horizon return) and a warning;
//  - all-zero or constant data give scale = eps (never 0, never NaN).
// An observer is not thread-safe: use it from one thread at a time (clone() to share).
// saveState()/loadState() export and import the complete streaming state, so an observer
// rebuilt from a file observes further batches and retunes exactly like the original.

#include "core/observers/quant_types.h"
#include "core/observers/tensor_view.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cs::obs {

using ParamMap = std::map<std::string, double>;

struct ObserverResult {
    // One entry per channel for per-channel observers, else one.
    std::vector<float> min;
    std::vector<float> max;
    std::vector<float> scale;
    std::vector<int64_t> zeroPoint;
    bool hasStatistics = false;
    std::string warning;  // empty when nothing is worth telling the user
    // Observer-specific numbers: amax, selected_index, search_min_val, search_max_val,
    // search_start_bin, search_end_bin, histogram_sum, clip_min, clip_max, signed ...
    std::map<std::string, double> extras;
    int64_t nonFinite = 0;  // NaN/Inf elements ignored so far
    int64_t batches = 0;    // batches that contributed
};

// The complete streaming state of one observer, as plain numbers (what a session file
// stores). Values are doubles so that float32 values (incl. NaN/Inf) and counts below 2^53
// round-trip exactly; `arrays` hold the observer's retained per-batch/per-channel data under
// observer-specific keys. Only primary data is stored: values derived from it (EMA state,
// cached results) are recomputed on load, so a state cannot contradict itself.
struct ObserverState {
    static constexpr int kVersion = 1;  // layout of the keys below; newer states are refused
    int version = kVersion;
    std::string observer;  // registry name
    ParamMap params;       // every parameter, defaults filled in
    QuantSpec spec;
    std::map<std::string, double> scalars;
    std::map<std::string, std::vector<double>> arrays;
    std::vector<std::string> warnings;
};

namespace detail {
class StateReader;
}

// The finite part of one batch as the concrete observers see it.
struct FiniteBatch {
    // Per-tensor observers: all finite values (row-major order kept).
    const float* data = nullptr;
    std::size_t size = 0;
    // min/max of data, when the non-finite scan already found them (saves a pass).
    bool minMaxKnown = false;
    float min = 0.0f;
    float max = 0.0f;
    // Per-channel observers: channel c's finite values (channel dim moved to the front).
    std::vector<const float*> channelData;
    std::vector<std::size_t> channelSize;
};

class Observer {
public:
    virtual ~Observer() = default;
    Observer(const Observer&) = default;
    Observer& operator=(const Observer&) = delete;

    const std::string& name() const { return name_; }
    const QuantSpec& spec() const { return spec_; }
    // Every parameter of the observer, defaults filled in.
    const ParamMap& params() const { return params_; }

    // Streams one batch. Shape problems (wrong channel axis, channel count changing) skip
    // the batch with a warning instead of throwing.
    void observe(const TensorView& batch);
    // What the pass every observe() starts with finds in a batch: its NaN/Inf count and,
    // when there are none, its min and max. Observers fed the same batch (compare mode)
    // share one scan: observe(batch, scan(batch)) is observe(batch).
    struct Scan {
        std::size_t nonFinite = 0;
        float min = 0.0f, max = 0.0f;
    };
    static Scan scan(const TensorView& batch);
    void observe(const TensorView& batch, const Scan& known);
    ObserverResult result() const;
    void reset();
    virtual std::unique_ptr<Observer> clone() const = 0;

    // Instant retune: `changes` (a subset of the parameters) are merged into params().
    // Returns true when the result was recomputed from retained statistics; false when some
    // changed parameter needs the data again (the observer is then left unchanged: create a
    // new one with the merged parameters and re-run). Throws std::invalid_argument for an
    // unknown parameter or a value out of range.
    bool retune(const ParamMap& changes);

    int64_t batchesObserved() const { return batches_; }

    // The complete streaming state (see ObserverState).
    ObserverState saveState() const;
    // Replaces the streaming state with `state`, which must come from an observer of the same
    // name, parameters and QuantSpec (create it with createObserver(state.observer,
    // state.params, state.spec)). Throws std::invalid_argument naming the problem when the
    // state does not fit (other observer, parameters or grid, newer version, missing or
    // inconsistent data); the observer is then left unchanged.
    void loadState(const ObserverState& state);

protected:
    Observer(std::string name, ParamMap params, QuantSpec spec);

    double param(const char* key) const;
    int64_t intParam(const char* key) const;
    bool boolParam(const char* key) const;
    int64_t channels() const { return channels_; }

    virtual void observeFinite(const FiniteBatch& batch) = 0;
    // Fill min/max/scale/zeroPoint/extras/hasStatistics; the base adds the common fields.
    virtual void computeResult(ObserverResult& r) const = 0;
    virtual void resetState() = 0;
    // Recompute with params() already replaced by the new values. Only called when every
    // changed key is retunable for this observer (registry); return false if the retained
    // state cannot serve it after all.
    virtual bool retuneState(const std::set<std::string>& changed) {
        return changed.empty();
    }
    // State of the concrete observer: its primary retained data under its own keys.
    virtual void saveStateData(ObserverState& s) const = 0;
    // Validates and adopts the data written by saveStateData (the base fields are checked
    // already and readable through `r`). Must throw (via r.fail) before changing anything,
    // and recompute every derived member from the adopted data.
    virtual void loadStateData(const detail::StateReader& r) = 0;
    // Helper for results without statistics.
    void setNoStatistics(ObserverResult& r, const char* why) const;
    // Appends a warning shown with every later result.
    void addWarning(const std::string& w);

private:
    std::string name_;
    ParamMap params_;
    QuantSpec spec_;
    int64_t batches_ = 0;
    int64_t batchIndex_ = 0;
    int64_t nonFinite_ = 0;
    int64_t channels_ = -1;
    std::vector<std::string> warnings_;
    std::vector<float> scratch_;
    mutable std::optional<ObserverResult> cache_;
};

// Exponential moving average as PyTorch/Horizon write it, in float32:
// v + c * (cur - v); the first batch is copied verbatim.
inline float emaUpdate(float v, float cur, float c) { return v + c * (cur - v); }

}  // namespace cs::obs

#include "core/observers/observer.h"

#include "core/observers/kernels.h"
#include "core/observers/observer_registry.h"
#include "core/observers/observer_state_io_p.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cs::obs {

namespace {

constexpr std::size_t kMaxWarnings = 8;

inline bool nonFiniteBits(float v) { return !std::isfinite(v); }

using kernels::countNonFinite;

constexpr int64_t kMaxExact = int64_t{1} << 53;  // integers beyond this are not exact in double

bool sameSpec(const QuantSpec& a, const QuantSpec& b) {
    return a.dtype == b.dtype && a.qscheme == b.qscheme && a.narrowRange == b.narrowRange &&
           a.reduceRange == b.reduceRange && a.powerOfTwo == b.powerOfTwo && a.chAxis == b.chAxis &&
           a.quantMin == b.quantMin && a.quantMax == b.quantMax;
}

}  // namespace

Observer::Observer(std::string name, ParamMap params, QuantSpec spec)
    : name_(std::move(name)), params_(std::move(params)), spec_(std::move(spec)) {}

double Observer::param(const char* key) const {
    const auto it = params_.find(key);
    if (it == params_.end())
        throw std::logic_error(std::string("observer '") + name_ + "' has no parameter '" + key + "'");
    return it->second;
}

int64_t Observer::intParam(const char* key) const { return static_cast<int64_t>(std::llround(param(key))); }

bool Observer::boolParam(const char* key) const { return param(key) != 0.0; }

void Observer::addWarning(const std::string& w) {
    if (std::find(warnings_.begin(), warnings_.end(), w) != warnings_.end()) return;
    if (warnings_.size() < kMaxWarnings) warnings_.push_back(w);
    cache_.reset();
}

void Observer::setNoStatistics(ObserverResult& r, const char* why) const {
    r.min.clear();
    r.max.clear();
    r.scale = {1.0f};
    r.zeroPoint = {0};
    r.hasStatistics = false;
    if (!r.warning.empty()) r.warning += "; ";
    r.warning += why;
}

Observer::Scan Observer::scan(const TensorView& batch) {
    Scan s;
    const std::size_t n = batch.numel();
    if (n > 0 && batch.data != nullptr) s.nonFinite = kernels::countNonFiniteMinMax(batch.data, n, s.min, s.max);
    return s;
}

void Observer::observe(const TensorView& batch) { observe(batch, scan(batch)); }

void Observer::observe(const TensorView& batch, const Scan& known) {
    const int64_t index = batchIndex_++;
    const std::size_t n = batch.numel();
    const std::string tag = "batch " + std::to_string(index);
    if (n == 0 || batch.data == nullptr) {
        addWarning(tag + " is empty: skipped");
        return;
    }
    FiniteBatch fb;
    const std::size_t bad = known.nonFinite;
    fb.min = known.min;
    fb.max = known.max;

    if (!spec_.perChannel()) {
        if (bad == 0) {
            fb.data = batch.data;
            fb.size = n;
            fb.minMaxKnown = true;
        } else {
            scratch_.clear();
            scratch_.reserve(n - bad);
            for (std::size_t i = 0; i < n; ++i)
                if (!nonFiniteBits(batch.data[i])) scratch_.push_back(batch.data[i]);
            fb.data = scratch_.data();
            fb.size = scratch_.size();
        }
        if (fb.size == 0) {
            nonFinite_ += static_cast<int64_t>(bad);
            addWarning(tag + " has no finite value: skipped");
            return;
        }
    } else {
        const int axis = spec_.chAxis;
        if (axis < 0 || static_cast<std::size_t>(axis) >= batch.shape.size()) {
            addWarning(tag + ": channel axis " + std::to_string(axis) + " does not exist in a " +
                       std::to_string(batch.shape.size()) + "-d tensor: skipped");
            return;
        }
        const ChannelLayout l = channelLayout(batch.shape, axis);
        if (channels_ >= 0 && l.channels != channels_) {
            addWarning(tag + ": " + std::to_string(l.channels) + " channels instead of " +
                       std::to_string(channels_) + ": skipped");
            return;
        }
        const auto nc = static_cast<std::size_t>(l.channels);
        fb.channelData.resize(nc);
        fb.channelSize.assign(nc, 0);
        if (bad == 0 && l.outer == 1) {
            for (std::size_t c = 0; c < nc; ++c) {
                fb.channelData[c] = batch.data + c * static_cast<std::size_t>(l.inner);
                fb.channelSize[c] = static_cast<std::size_t>(l.inner);
            }
        } else {
            // Gather each channel's finite values into one contiguous run.
            const auto inner = static_cast<std::size_t>(l.inner);
            for (int64_t o = 0; o < l.outer; ++o)
                for (std::size_t c = 0; c < nc; ++c) {
                    const float* src = batch.data + (static_cast<std::size_t>(o) * nc + c) * inner;
                    fb.channelSize[c] += inner - (bad ? countNonFinite(src, inner) : 0);
                }
            std::vector<std::size_t> offset(nc, 0);
            std::size_t total = 0;
            for (std::size_t c = 0; c < nc; ++c) {
                offset[c] = total;
                total += fb.channelSize[c];
            }
            scratch_.resize(total);
            std::vector<std::size_t> fill = offset;
            for (int64_t o = 0; o < l.outer; ++o)
                for (std::size_t c = 0; c < nc; ++c) {
                    const float* src = batch.data + (static_cast<std::size_t>(o) * nc + c) * inner;
                    for (std::size_t i = 0; i < inner; ++i)
                        if (!nonFiniteBits(src[i])) scratch_[fill[c]++] = src[i];
                }
            for (std::size_t c = 0; c < nc; ++c) fb.channelData[c] = scratch_.data() + offset[c];
            if (total == 0) {
                nonFinite_ += static_cast<int64_t>(bad);
                addWarning(tag + " has no finite value: skipped");
                return;
            }
        }
        channels_ = l.channels;
    }
    nonFinite_ += static_cast<int64_t>(bad);
    ++batches_;
    cache_.reset();
    observeFinite(fb);
}

ObserverResult Observer::result() const {
    if (cache_) return *cache_;
    ObserverResult r;
    computeResult(r);
    r.nonFinite = nonFinite_;
    r.batches = batches_;
    std::string extra;
    if (nonFinite_ > 0) extra = std::to_string(nonFinite_) + " non-finite values (NaN/Inf) ignored";
    for (const auto& w : warnings_) extra += (extra.empty() ? "" : "; ") + w;
    if (!extra.empty()) r.warning += (r.warning.empty() ? "" : "; ") + extra;
    // Last line of defence for the "never a NaN scale" promise.
    for (float& s : r.scale)
        if (!std::isfinite(s) || s <= 0.0f) s = 1.0f;
    cache_ = r;
    return r;
}

void Observer::reset() {
    batches_ = 0;
    batchIndex_ = 0;
    nonFinite_ = 0;
    channels_ = -1;
    warnings_.clear();
    scratch_.clear();
    scratch_.shrink_to_fit();
    cache_.reset();
    resetState();
}

bool Observer::retune(const ParamMap& changes) {
    ParamMap merged = params_;
    for (const auto& [k, v] : changes) merged[k] = v;
    const std::string err = validateParams(name_, merged, spec_);
    if (!err.empty()) throw std::invalid_argument(err);
    std::set<std::string> changed;
    for (const auto& [k, v] : changes)
        if (params_.at(k) != v) changed.insert(k);
    if (changed.empty()) return true;
    if (batches_ == 0) {  // nothing observed yet: any parameter can still change
        params_ = std::move(merged);
        cache_.reset();
        resetState();
        return true;
    }
    const ObserverInfo* info = findObserver(name_);
    for (const auto& k : changed) {
        const ParamSpec* p = info ? info->param(k) : nullptr;
        if (!p || !p->retunable) return false;
    }
    ParamMap old = std::move(params_);
    params_ = std::move(merged);
    if (!retuneState(changed)) {
        params_ = std::move(old);
        return false;
    }
    cache_.reset();
    return true;
}

ObserverState Observer::saveState() const {
    ObserverState s;
    s.observer = name_;
    s.params = params_;
    s.spec = spec_;
    s.scalars["batches"] = static_cast<double>(batches_);
    s.scalars["batch_index"] = static_cast<double>(batchIndex_);
    s.scalars["non_finite"] = static_cast<double>(nonFinite_);
    s.scalars["channels"] = static_cast<double>(channels_);
    s.warnings = warnings_;
    saveStateData(s);
    return s;
}

void Observer::loadState(const ObserverState& state) {
    const detail::StateReader header(state, 0, -1);
    if (state.version < 1 || state.version > ObserverState::kVersion)
        header.fail("state version " + std::to_string(state.version) + " (this build reads up to " +
                    std::to_string(ObserverState::kVersion) + ")");
    if (state.observer != name_) header.fail("it was saved by observer '" + state.observer + "', not '" + name_ + "'");
    // Derived data (EMA state, per-batch choices of mse/mix) depends on every parameter and
    // on the grid, so the state only fits an identically configured observer; retune after.
    for (const auto& [key, value] : params_) {
        const auto it = state.params.find(key);
        if (it == state.params.end() || it->second != value)
            header.fail("parameter '" + key + "' differs from the observer's");
    }
    if (state.params.size() != params_.size()) header.fail("it has parameters this observer does not know");
    if (!sameSpec(state.spec, spec_)) header.fail("it was saved for another quantization grid (QuantSpec)");

    const int64_t batches = header.integer("batches", 0, kMaxExact);
    const int64_t batchIndex = header.integer("batch_index", batches, kMaxExact);
    const int64_t nonFinite = header.integer("non_finite", 0, kMaxExact);
    const int64_t channels = header.integer("channels", -1, INT32_MAX);
    // A per-channel observer learns its channel count with its first contributing batch.
    if (spec_.perChannel() ? (channels == -1) != (batches == 0) || channels == 0 : channels != -1)
        header.fail("channel count " + std::to_string(channels) + " does not fit " + std::to_string(batches) + " batch(es)");
    if (state.warnings.size() > kMaxWarnings) header.fail("too many warnings");

    loadStateData(detail::StateReader(state, batches, channels));  // throws before changing anything
    batches_ = batches;
    batchIndex_ = batchIndex;
    nonFinite_ = nonFinite;
    channels_ = channels;
    warnings_ = state.warnings;
    scratch_.clear();
    cache_.reset();
}

}  // namespace cs::obs

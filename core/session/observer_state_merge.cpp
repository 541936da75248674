#include "core/session/observer_state_merge.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace cs {
namespace {

// Observers whose every array is a per-batch sequence (keys as saveStateData writes them)
// and whose only scalars are the base counters.
const std::set<std::string> kSequenceObservers{"min_max", "clip",  "clip_std",    "mse",       "mix",
                                               "percentile", "pact2", "fixed_scale", "user_range"};
const std::set<std::string> kBaseScalars{"batches", "batch_index", "non_finite", "channels"};

double scalar(const obs::ObserverState& s, const char* key)
{
    auto it = s.scalars.find(key);
    return it == s.scalars.end() ? 0.0 : it->second;
}

bool sameSpec(const obs::QuantSpec& a, const obs::QuantSpec& b)
{
    return a.dtype == b.dtype && a.qscheme == b.qscheme && a.narrowRange == b.narrowRange
           && a.reduceRange == b.reduceRange && a.powerOfTwo == b.powerOfTwo && a.chAxis == b.chAxis
           && a.quantMin == b.quantMin && a.quantMax == b.quantMax;
}

// The base fields every observer shares: counters add up, the channel count is the one of
// the shards that saw data, warnings are kept once each (loadState accepts at most 8).
obs::ObserverState mergedBase(const std::vector<obs::ObserverState>& states, std::string& why)
{
    obs::ObserverState m;
    m.observer = states.front().observer;
    m.params = states.front().params;
    m.spec = states.front().spec;
    double batches = 0, batchIndex = 0, nonFinite = 0, channels = -1;
    for (const auto& s : states) {
        batches += scalar(s, "batches");
        batchIndex += scalar(s, "batch_index");
        nonFinite += scalar(s, "non_finite");
        const double c = s.scalars.count("channels") ? s.scalars.at("channels") : -1.0;
        if (scalar(s, "batches") > 0) {
            if (channels >= 0 && c != channels)
                why = "the shards saw " + std::to_string(int64_t(channels)) + " and " + std::to_string(int64_t(c))
                      + " channels";
            channels = c;
        }
        for (const auto& w : s.warnings)
            if (m.warnings.size() < 8 && std::find(m.warnings.begin(), m.warnings.end(), w) == m.warnings.end())
                m.warnings.push_back(w);
    }
    m.scalars = {{"batches", batches}, {"batch_index", batchIndex}, {"non_finite", nonFinite}, {"channels", channels}};
    return m;
}

bool concatenateArrays(const std::vector<obs::ObserverState>& states, obs::ObserverState& m, std::string& why)
{
    for (const auto& [key, unused] : states.front().arrays)
        m.arrays[key];
    for (const auto& s : states) {
        for (const auto& [key, value] : s.scalars)
            if (!kBaseScalars.count(key)) {
                why = "its state holds '" + key + "', which this calibscope does not know how to merge";
                return false;
            }
        if (s.arrays.size() != m.arrays.size()) {
            why = "the shards' states have different arrays";
            return false;
        }
        for (const auto& [key, values] : s.arrays) {
            auto it = m.arrays.find(key);
            if (it == m.arrays.end()) {
                why = "the shards' states have different arrays";
                return false;
            }
            it->second.insert(it->second.end(), values.begin(), values.end());
        }
    }
    return true;
}

bool minMaxArrays(const std::vector<obs::ObserverState>& states, obs::ObserverState& m, std::string& why)
{
    std::vector<double> mn, mx;
    for (const auto& s : states) {
        if (scalar(s, "batches") == 0)
            continue; // no width yet
        const auto& a = s.arrays.at("min");
        const auto& b = s.arrays.at("max");
        if (mn.empty()) {
            mn = a;
            mx = b;
            continue;
        }
        if (a.size() != mn.size() || b.size() != mx.size()) {
            why = "the shards' per-channel ranges have different widths";
            return false;
        }
        for (size_t c = 0; c < mn.size(); ++c) {
            mn[c] = std::min(mn[c], a[c]); // an empty channel's (+inf, -inf) start is neutral
            mx[c] = std::max(mx[c], b[c]);
        }
    }
    m.arrays["min"] = mn;
    m.arrays["max"] = mx;
    return true;
}

bool klIntervals(const std::vector<obs::ObserverState>& states, obs::ObserverState& m, std::string& why,
                 std::string& caveat)
{
    const char* kIntervalKeys[] = {"interval_bins", "interval_edge_count", "interval_counts", "interval_edges",
                                   "interval_zeros"};
    for (const char* key : kIntervalKeys)
        m.arrays[key];
    double batches = 0, dropped = 0;
    for (size_t i = 0; i < states.size(); ++i) {
        const auto& s = states[i];
        for (const char* key : kIntervalKeys) {
            auto it = s.arrays.find(key);
            if (it == s.arrays.end()) {
                why = std::string("its state lacks '") + key + "'";
                return false;
            }
            m.arrays[key].insert(m.arrays[key].end(), it->second.begin(), it->second.end());
        }
        const double step = scalar(s, "step");
        if (i + 1 < states.size()) {
            batches += scalar(s, "batches") - step;
            dropped += step;
        } else {
            // The open interval continues from the last shard, as in that shard's own run.
            batches += scalar(s, "batches");
            for (const auto& [key, value] : s.arrays)
                if (key.rfind("open_", 0) == 0)
                    m.arrays[key] = value;
            for (const auto& [key, value] : s.scalars)
                if (key.rfind("open_", 0) == 0 || key == "step")
                    m.scalars[key] = value;
        }
    }
    m.scalars["batches"] = batches;
    if (dropped > 0)
        caveat = std::to_string(int64_t(dropped)) + " batch(es) of unfinished update_intervals at the end of a shard "
                 "are left out (one run would have completed those intervals with the next shard's batches)";
    return true;
}

} // namespace

StateMerge mergeObserverStates(const std::vector<obs::ObserverState>& states)
{
    StateMerge out;
    if (states.empty()) {
        out.why = "no state to merge";
        return out;
    }
    const obs::ObserverState& first = states.front();
    for (const auto& s : states)
        if (s.observer != first.observer || s.params != first.params || !sameSpec(s.spec, first.spec)
            || s.version != first.version) {
            out.why = "the shards' observers differ in parameters or grid";
            return out;
        }
    obs::ObserverState m = mergedBase(states, out.why);
    if (!out.why.empty())
        return out;

    // One contributing shard: the others only add counters and warnings, exactly as their
    // empty batches would have in one run.
    std::vector<const obs::ObserverState*> contributing;
    for (const auto& s : states)
        if (scalar(s, "batches") > 0)
            contributing.push_back(&s);
    const std::string& name = first.observer;
    if (contributing.size() <= 1) {
        const obs::ObserverState& source = contributing.empty() ? first : *contributing.front();
        m.arrays = source.arrays;
        for (const auto& [key, value] : source.scalars)
            if (!kBaseScalars.count(key))
                m.scalars[key] = value;
        out.state = std::move(m);
        return out;
    }
    bool ok = false;
    if (kSequenceObservers.count(name))
        ok = concatenateArrays(states, m, out.why);
    else if (name == "running_min_max")
        ok = minMaxArrays(states, m, out.why);
    else if (name == "kl")
        ok = klIntervals(states, m, out.why, out.caveat);
    else if (name == "torch_histogram")
        out.why = "its one histogram is re-gridded whenever the range widens, so it depends on every batch in "
                  "order, which the sessions no longer hold";
    else if (name.rfind("hist_", 0) == 0)
        out.why = "its one |x| histogram has a bin width set by each shard's first batch; the shards' bins do "
                  "not line up";
    else
        out.why = "calibscope does not know how to merge its state";
    if (ok)
        out.state = std::move(m);
    return out;
}

} // namespace cs

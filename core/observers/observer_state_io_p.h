#pragma once
// Private to the observer library: writing and validating the arrays of an ObserverState.
// Readers check everything a concrete observer relies on later (sizes, integer values,
// float32-representable values), so a state that loads can never crash observe/result.

#include "core/observers/histogram.h"
#include "core/observers/observer.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cs::obs::detail {

// Any element type that converts to double exactly (float, uint32, int64 < 2^53, double).
template <typename T>
void putArray(ObserverState& s, const std::string& key, const std::vector<T>& v) {
    s.arrays[key].assign(v.begin(), v.end());
}

class StateReader {
public:
    static constexpr std::size_t kAnySize = static_cast<std::size_t>(-1);

    StateReader(const ObserverState& state, int64_t batches, int64_t channels)
        : state_(state), batches_(batches), channels_(channels) {}

    const ObserverState& state() const { return state_; }
    // The validated base fields of the state being loaded.
    int64_t batches() const { return batches_; }
    int64_t channels() const { return channels_; }  // -1 before the first per-channel batch

    [[noreturn]] void fail(const std::string& why) const;

    // A scalar that must be an integer in [lo, hi].
    int64_t integer(const std::string& key, int64_t lo, int64_t hi) const;
    // A scalar that must be a float32 value (NaN/Inf included when allowNonFinite).
    float real32(const std::string& key, bool allowNonFinite = false) const;
    // A finite, non-negative scalar.
    double amount(const std::string& key) const;

    // Arrays, with `size` elements unless kAnySize.
    std::vector<float> floats(const std::string& key, std::size_t size, bool allowNonFinite = false) const;
    // Integers in [lo, hi] (counts, lengths).
    std::vector<int64_t> integers(const std::string& key, std::size_t size, int64_t lo, int64_t hi) const;
    std::vector<uint32_t> counts32(const std::string& key, std::size_t size) const;
    // Finite, non-negative doubles (histogram counts kept exactly as integers in double).
    std::vector<double> amounts(const std::string& key, std::size_t size) const;

    // A GrowingAbsHistogram written by putHistogram under `prefix`.
    GrowingAbsHistogram histogram(const std::string& prefix, int64_t initialBins) const;

private:
    const std::vector<double>& array(const std::string& key, std::size_t size) const;
    double scalar(const std::string& key) const;

    const ObserverState& state_;
    int64_t batches_;
    int64_t channels_;
};

void putHistogram(ObserverState& s, const std::string& prefix, const GrowingAbsHistogram& h);

// The min and max of each batch's statistics (elements with float members min and max), under
// batch_min and batch_max.
template <typename Stats>
void putBatchRanges(ObserverState& s, const std::vector<Stats>& stats) {
    std::vector<float> mn, mx;
    for (const Stats& b : stats) {
        mn.push_back(b.min);
        mx.push_back(b.max);
    }
    putArray(s, "batch_min", mn);
    putArray(s, "batch_max", mx);
}

// What putBatchRanges wrote, one entry per observed batch (the caller checks min <= max, as
// its own statistics require).
struct BatchRanges {
    std::vector<float> min, max;
};
inline BatchRanges readBatchRanges(const StateReader& r) {
    const auto n = static_cast<std::size_t>(r.batches());
    return BatchRanges{r.floats("batch_min", n), r.floats("batch_max", n)};
}

// The `member` vectors of `items`, one after the other.
template <typename Item, typename T>
std::vector<T> concatenated(const std::vector<Item>& items, std::vector<T> Item::*member) {
    std::vector<T> values;
    for (const Item& item : items) values.insert(values.end(), (item.*member).begin(), (item.*member).end());
    return values;
}

// The `member` vectors of `items` concatenated under `valuesKey` and their lengths under
// `lengthsKey`: ragged per-batch data as splitRuns takes it apart again.
template <typename Item, typename T>
void putRuns(ObserverState& s, const std::string& lengthsKey, const std::string& valuesKey,
             const std::vector<Item>& items, std::vector<T> Item::*member) {
    std::vector<double> lengths;
    for (const Item& item : items) lengths.push_back(static_cast<double>((item.*member).size()));
    putArray(s, lengthsKey, lengths);
    putArray(s, valuesKey, concatenated(items, member));
}

// Splits `values` into consecutive runs of `lengths[i]` elements; the lengths must add up to
// values.size() exactly (the reader fails otherwise).
template <typename T>
std::vector<std::vector<T>> splitRuns(const StateReader& r, const std::vector<T>& values,
                                      const std::vector<int64_t>& lengths, const char* what) {
    std::vector<std::vector<T>> runs;
    runs.reserve(lengths.size());
    std::size_t at = 0;
    for (int64_t len : lengths) {
        const auto n = static_cast<std::size_t>(len);
        if (n > values.size() - at) r.fail(std::string(what) + ": lengths exceed the stored values");
        runs.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(at),
                          values.begin() + static_cast<std::ptrdiff_t>(at + n));
        at += n;
    }
    if (at != values.size()) r.fail(std::string(what) + ": lengths do not add up to the stored values");
    return runs;
}

}  // namespace cs::obs::detail

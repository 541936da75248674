#include "core/observers/observer_state_io_p.h"

#include <cmath>
#include <stdexcept>

namespace cs::obs::detail {

namespace {

bool isFloat32(double v, bool allowNonFinite) {
    if (!std::isfinite(v)) return allowNonFinite;
    return static_cast<double>(static_cast<float>(v)) == v;
}

bool isInteger(double v, int64_t lo, int64_t hi) {
    // Compared in double: lo/hi up to 2^53 are exact there, and v outside int64 never casts.
    return std::isfinite(v) && v == std::floor(v) && v >= static_cast<double>(lo) && v <= static_cast<double>(hi);
}

}  // namespace

void StateReader::fail(const std::string& why) const {
    throw std::invalid_argument("observer state of '" + state_.observer + "' does not fit: " + why);
}

double StateReader::scalar(const std::string& key) const {
    const auto it = state_.scalars.find(key);
    if (it == state_.scalars.end()) fail("no value '" + key + "'");
    return it->second;
}

const std::vector<double>& StateReader::array(const std::string& key, std::size_t size) const {
    const auto it = state_.arrays.find(key);
    if (it == state_.arrays.end()) fail("no array '" + key + "'");
    if (size != kAnySize && it->second.size() != size)
        fail("array '" + key + "' has " + std::to_string(it->second.size()) + " values, expected " + std::to_string(size));
    return it->second;
}

int64_t StateReader::integer(const std::string& key, int64_t lo, int64_t hi) const {
    const double v = scalar(key);
    if (!isInteger(v, lo, hi))
        fail("'" + key + "' must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<int64_t>(v);
}

float StateReader::real32(const std::string& key, bool allowNonFinite) const {
    const double v = scalar(key);
    if (!isFloat32(v, allowNonFinite)) fail("'" + key + "' is not a float32 value");
    return static_cast<float>(v);
}

double StateReader::amount(const std::string& key) const {
    const double v = scalar(key);
    if (!std::isfinite(v) || v < 0.0) fail("'" + key + "' must be finite and non-negative");
    return v;
}

std::vector<float> StateReader::floats(const std::string& key, std::size_t size, bool allowNonFinite) const {
    const std::vector<double>& a = array(key, size);
    std::vector<float> out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!isFloat32(a[i], allowNonFinite)) fail("array '" + key + "' holds a value that is not float32");
        out[i] = static_cast<float>(a[i]);
    }
    return out;
}

std::vector<int64_t> StateReader::integers(const std::string& key, std::size_t size, int64_t lo, int64_t hi) const {
    const std::vector<double>& a = array(key, size);
    std::vector<int64_t> out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!isInteger(a[i], lo, hi))
            fail("array '" + key + "' must hold integers in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        out[i] = static_cast<int64_t>(a[i]);
    }
    return out;
}

std::vector<uint32_t> StateReader::counts32(const std::string& key, std::size_t size) const {
    const std::vector<double>& a = array(key, size);
    std::vector<uint32_t> out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!isInteger(a[i], 0, UINT32_MAX)) fail("array '" + key + "' must hold 32-bit counts");
        out[i] = static_cast<uint32_t>(a[i]);
    }
    return out;
}

std::vector<double> StateReader::amounts(const std::string& key, std::size_t size) const {
    const std::vector<double>& a = array(key, size);
    for (double v : a)
        if (!std::isfinite(v) || v < 0.0) fail("array '" + key + "' must hold finite non-negative values");
    return a;
}

void putHistogram(ObserverState& s, const std::string& prefix, const GrowingAbsHistogram& h) {
    putArray(s, prefix + "counts", h.counts());
    putArray(s, prefix + "edges", h.edges());
    s.scalars[prefix + "pending_zeros"] = h.pendingZeros();
    s.scalars[prefix + "merge_factor"] = static_cast<double>(h.mergeFactor());
}

GrowingAbsHistogram StateReader::histogram(const std::string& prefix, int64_t initialBins) const {
    GrowingAbsHistogram probe(initialBins);
    std::vector<double> counts = amounts(prefix + "counts", kAnySize);
    std::vector<float> edges = floats(prefix + "edges", kAnySize);
    const double zeros = amount(prefix + "pending_zeros");
    const int64_t merge = integer(prefix + "merge_factor", 1, int64_t{1} << 53);
    // add() reads edges[0], edges[1] and edges.back() of a non-empty histogram, and the
    // searches pair bin i with edges i and i + 1 (arange may give one edge more or less).
    if (counts.empty() != edges.empty()) fail("'" + prefix + "': counts and edges disagree");
    if (!counts.empty()) {
        if (static_cast<int64_t>(counts.size()) > probe.maxBins()) fail("'" + prefix + "': too many bins");
        if (edges.size() < 2 || edges.size() < counts.size() || edges.size() > counts.size() + 2)
            fail("'" + prefix + "': " + std::to_string(edges.size()) + " edges for " + std::to_string(counts.size()) + " bins");
        if (edges.front() != 0.0f) fail("'" + prefix + "': the first edge must be 0");
        for (std::size_t i = 1; i < edges.size(); ++i)
            if (!(edges[i] >= edges[i - 1])) fail("'" + prefix + "': edges must not decrease");
    }
    return GrowingAbsHistogram::fromParts(initialBins, std::move(counts), std::move(edges), zeros, merge);
}

}  // namespace cs::obs::detail

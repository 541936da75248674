#include "core/observers/histogram.h"

#include "core/observers/kernels.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cs::obs {

namespace {

void minMaxOf(const float* x, std::size_t n, bool absolute, float& mn, float& mx) {
    mn = INFINITY;
    mx = -INFINITY;
    for (std::size_t i = 0; i < n; ++i) {
        const float v = absolute ? std::fabs(x[i]) : x[i];
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
    }
}

}  // namespace

HistcRange histcRange(const float* x, std::size_t n, bool absolute, double lo, double hi) {
    if (lo == hi && n > 0) {
        float mn, mx;
        minMaxOf(x, n, absolute, mn, mx);
        lo = mn;
        hi = mx;
    }
    if (lo == hi) {  // torch widens in double, then linspace stores float endpoints
        lo -= 1.0;
        hi += 1.0;
    }
    return {static_cast<float>(lo), static_cast<float>(hi)};
}

void histcAccumulate(const float* x, std::size_t n, bool absolute, int64_t bins, float lo,
                     float hi, double* counts) {
    if (bins <= 0) return;
    // Integer increments first: a double add per element would serialise on the latency of
    // repeated hits to the same bin.
    std::vector<uint32_t> tmp(static_cast<std::size_t>(bins), 0);
    const std::size_t chunk = std::size_t{1} << 31;  // no uint32 overflow
    for (std::size_t b = 0; b < n; b += chunk) {
        kernels::histcCounts(x + b, std::min(chunk, n - b), absolute, bins, lo, hi, tmp.data());
        for (std::size_t i = 0; i < tmp.size(); ++i) {
            counts[i] += tmp[i];
            tmp[i] = 0;
        }
    }
}

void histcAccumulate(const float* x, std::size_t n, bool absolute, int64_t bins, float lo,
                     float hi, uint32_t* counts) {
    kernels::histcCounts(x, n, absolute, bins, lo, hi, counts);
}

std::vector<float> torchLinspace(float start, float end, int64_t steps) {
    std::vector<float> out(static_cast<std::size_t>(std::max<int64_t>(steps, 0)));
    if (steps <= 0) return out;
    if (steps == 1) {
        out[0] = start;
        return out;
    }
    const float step = (end - start) / static_cast<float>(steps - 1);
    const int64_t halfway = steps / 2;
    for (int64_t i = 0; i < steps; ++i)
        out[static_cast<std::size_t>(i)] =
            i < halfway ? start + step * static_cast<float>(i)
                        : end - step * static_cast<float>(steps - i - 1);
    return out;
}

std::vector<float> torchArange(double start, double end, double step) {
    std::vector<float> out;
    if (!(step > 0.0) || !(end > start)) return out;
    const double sized = std::ceil((end - start) / step);
    if (!(sized > 0.0) || sized > 1e9) return out;
    const std::size_t n = static_cast<std::size_t>(sized);
    out.resize(n);
    // ATen's AVX2 kernel fills full 16-element blocks as two 8-lane vectors of
    // float(base) + k*step (in double) and the tail with start + i*step.
    constexpr std::size_t kLanes = 8;
    const std::size_t vectorised = (n / (2 * kLanes)) * (2 * kLanes);
    for (std::size_t i0 = 0; i0 < vectorised; i0 += kLanes) {
        const float base = static_cast<float>(start + step * static_cast<double>(i0));
        for (std::size_t k = 0; k < kLanes; ++k)
            out[i0 + k] = static_cast<float>(static_cast<double>(base) + static_cast<double>(k) * step);
    }
    for (std::size_t i = vectorised; i < n; ++i)
        out[i] = static_cast<float>(start + step * static_cast<double>(i));
    return out;
}

GrowingAbsHistogram GrowingAbsHistogram::fromParts(int64_t initialBins, std::vector<double> counts,
                                                   std::vector<float> edges, double pendingZeros, int64_t mergeFactor) {
    GrowingAbsHistogram h(initialBins);
    h.counts_ = std::move(counts);
    h.edges_ = std::move(edges);
    h.pendingZeros_ = pendingZeros;
    h.mergeFactor_ = mergeFactor;
    return h;
}

double GrowingAbsHistogram::total() const {
    return std::accumulate(counts_.begin(), counts_.end(), 0.0) + pendingZeros_;
}

void GrowingAbsHistogram::clear() {
    counts_.clear();
    edges_.clear();
    pendingZeros_ = 0.0;
    mergeFactor_ = 1;
}

int64_t GrowingAbsHistogram::maxBins() const { return std::max<int64_t>(16 * initialBins_, int64_t{1} << 16); }

void GrowingAbsHistogram::add(const float* xIn, std::size_t nIn, bool skipZeros) {
    std::vector<float> kept;
    const float* x = xIn;
    std::size_t n = nIn;
    if (skipZeros) {
        kept.reserve(nIn);
        for (std::size_t i = 0; i < nIn; ++i)
            if (xIn[i] != 0.0f) kept.push_back(xIn[i]);
        x = kept.data();
        n = kept.size();
    }
    if (n == 0) return;
    const float xmax = kernels::absMax(x, n);

    if (xmax == 0.0f) {
        // The reference would build a zero-width histogram here and divide by its width
        // later; keep the zeros aside until a batch gives the histogram a range.
        if (counts_.empty()) pendingZeros_ += static_cast<double>(n);
        else counts_[0] += static_cast<double>(n);
        return;
    }
    float width = counts_.empty() ? 0.0f : edges_[1] - edges_[0];
    const double needed = counts_.empty() ? 0.0 : std::ceil(static_cast<double>(xmax) / static_cast<double>(width));
    const auto limit = static_cast<double>(maxBins());
    if (!counts_.empty() && (!(width > 0.0f) || needed > limit * 16777216.0)) {
        // The first range was so small (its bin width may even have underflowed) that every
        // value seen so far is ~0 at the new scale: start over from this batch with those
        // counts in bin 0.
        pendingZeros_ = total();
        counts_.clear();
        edges_.clear();
    }
    if (counts_.empty()) {
        counts_.assign(static_cast<std::size_t>(initialBins_), 0.0);
        edges_ = torchLinspace(0.0f, xmax, initialBins_ + 1);
        histcAccumulate(x, n, true, initialBins_, 0.0f, xmax, counts_.data());
        counts_[0] += pendingZeros_;
        pendingZeros_ = 0.0;
        return;
    }
    int64_t bins = static_cast<int64_t>(counts_.size());
    if (xmax > edges_.back()) {
        if (needed > limit) {
            // A range that grows by orders of magnitude would need millions of bins of the
            // first width: merge k adjacent bins so the histogram stays bounded.
            const auto k = static_cast<int64_t>(std::ceil(needed / limit));
            const auto uk = static_cast<std::size_t>(k);
            std::vector<double> merged((counts_.size() + uk - 1) / uk, 0.0);
            for (std::size_t i = 0; i < counts_.size(); ++i) merged[i / uk] += counts_[i];
            counts_ = std::move(merged);
            width *= static_cast<float>(k);
            mergeFactor_ *= k;
        }
        bins = static_cast<int64_t>(std::ceil(xmax / width));
        // torch.arange(0, x_max + width, width): the end is rounded to float32 first.
        const float end = xmax + width;
        edges_ = torchArange(0.0, static_cast<double>(end), static_cast<double>(width));
        if (edges_.size() < 2) edges_ = {0.0f, xmax};  // unreachable with the bounds above
    }
    std::vector<double> fresh(static_cast<std::size_t>(bins), 0.0);
    histcAccumulate(x, n, true, bins, 0.0f, edges_.back(), fresh.data());
    const std::size_t keep = std::min(fresh.size(), counts_.size());
    for (std::size_t i = 0; i < keep; ++i) fresh[i] += counts_[i];
    counts_ = std::move(fresh);
}

}  // namespace cs::obs

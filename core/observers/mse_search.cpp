#include "core/observers/mse_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cs::obs {

namespace {

constexpr float kZeroAmax = 1.0f / 16777216.0f;  // NVIDIA: amax <= 2^-24 quantizes to 0

struct Problem {
    std::vector<float> centre;
    std::vector<double> count;  // truncated
    std::vector<std::size_t> used;  // bins with a non-zero count
    float maxBound = 127.0f, minBound = -127.0f;
};

Problem setUp(const std::vector<double>& counts, const std::vector<float>& edges, int bits, bool isUnsigned) {
    Problem p;
    const std::size_t len = std::min(counts.size(), edges.empty() ? std::size_t{0} : edges.size() - 1);
    p.centre.resize(len);
    p.count.resize(len);
    for (std::size_t j = 0; j < len; ++j) {
        p.centre[j] = (edges[j + 1] + edges[j]) / 2.0f;
        p.count[j] = std::trunc(counts[j]);
        if (p.count[j] != 0.0) p.used.push_back(j);
    }
    p.maxBound = static_cast<float>(std::exp2(bits - 1 + (isUnsigned ? 1 : 0)) - 1.0);
    p.minBound = isUnsigned ? 0.0f : -p.maxBound;
    return p;
}

// fake_tensor_quant of one centre, float32 like the torch code. Centres are >= 0; capping
// at maxBound + 1 first (exact: rounding is monotone and the cap is an integer) keeps the
// value below 2^22, where adding and removing 1.5 * 2^23 rounds half to even.
inline float level(float c, float scale, const Problem& p) {
    const float v = std::min(c * scale, p.maxBound + 1.0f);
    return std::clamp((v + 12582912.0f) - 12582912.0f, p.minBound, p.maxBound);
}

double directError(const Problem& p, std::size_t i) {
    const float amax = p.centre[i];
    const float scale = p.maxBound / amax;
    const bool zero = amax <= kZeroAmax;
    double err = 0.0;
    for (std::size_t j : p.used) {
        const float fq = zero ? 0.0f : level(p.centre[j], scale, p) / scale;
        const double d = static_cast<double>(fq) - static_cast<double>(p.centre[j]);
        err += p.count[j] * d * d;
    }
    return err;
}

struct Prefix {
    std::vector<double> n, nc, ncc;  // sums over j < k of n, n*c, n*c^2
    explicit Prefix(const Problem& p) : n(p.centre.size() + 1, 0.0), nc(n), ncc(n) {
        for (std::size_t j = 0; j < p.centre.size(); ++j) {
            const double c = p.centre[j], w = p.count[j];
            n[j + 1] = n[j] + w;
            nc[j + 1] = nc[j] + w * c;
            ncc[j + 1] = ncc[j] + w * c * c;
        }
    }
};

double fastError(const Problem& p, const Prefix& pre, std::size_t i) {
    const std::size_t len = p.centre.size();
    const float amax = p.centre[i];
    if (amax <= kZeroAmax) return pre.ncc[len];  // everything becomes 0
    const float scale = p.maxBound / amax;
    // Bins are (nearly) uniform: predict where level q starts, then walk to the exact
    // boundary with the float32 rounding itself. Centres are >= 0, so levels run 0..maxBound.
    const double binWidth = len > 1 ? (static_cast<double>(p.centre[len - 1]) - p.centre[0]) / static_cast<double>(len - 1) : 1.0;
    const double perLevel = 1.0 / (static_cast<double>(scale) * binWidth);  // bins per level
    const auto top = static_cast<int64_t>(p.maxBound);
    double err = 0.0;
    std::size_t from = 0;
    for (int64_t q = 0; q <= top && from < len; ++q) {
        std::size_t to = len;  // first bin of level q + 1
        if (q < top) {
            const auto next = static_cast<float>(q + 1);
            const double guess = (static_cast<double>(q) + 0.5) * perLevel - static_cast<double>(p.centre[0]) / binWidth;
            std::size_t j = guess <= static_cast<double>(from) ? from
                            : guess >= static_cast<double>(len) ? len
                                                                : static_cast<std::size_t>(guess);
            while (j > from && level(p.centre[j - 1], scale, p) >= next) --j;
            while (j < len && level(p.centre[j], scale, p) < next) ++j;
            to = j;
        }
        const double a0 = pre.n[to] - pre.n[from];
        if (a0 > 0.0) {
            const double f = static_cast<double>(static_cast<float>(q) / scale);
            err += f * f * a0 - 2.0 * f * (pre.nc[to] - pre.nc[from]) + (pre.ncc[to] - pre.ncc[from]);
        }
        from = to;
    }
    return err;
}

}  // namespace

MseChoice nvidiaMseSelect(const std::vector<double>& counts, const std::vector<float>& edges, int bits,
                          bool isUnsigned, int64_t startBin, int64_t stride, bool fast) {
    const Problem p = setUp(counts, edges, bits, isUnsigned);
    const std::size_t len = p.centre.size();
    std::vector<std::size_t> cand;
    if (stride > 0)
        for (auto i = static_cast<std::size_t>(std::max<int64_t>(startBin, 0)); i < len; i += static_cast<std::size_t>(stride))
            cand.push_back(i);
    if (cand.empty()) return {};
    std::vector<double> err(cand.size());
    if (fast) {
        const Prefix pre(p);
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < cand.size(); ++k) best = std::min(best, err[k] = fastError(p, pre, cand[k]));
        // The prefix form loses ~1e-16 of the total sum of squares per level to cancellation;
        // anything that close to the minimum is settled with the direct form.
        const double tol = 1e-6 * std::fabs(best) + 1e-10 * pre.ncc[len];
        for (std::size_t k = 0; k < cand.size(); ++k)
            err[k] = err[k] <= best + tol ? directError(p, cand[k]) : std::numeric_limits<double>::infinity();
    } else {
        for (std::size_t k = 0; k < cand.size(); ++k) err[k] = directError(p, cand[k]);
    }
    std::size_t pick = 0;
    for (std::size_t k = 1; k < cand.size(); ++k)
        if (err[k] < err[pick]) pick = k;  // first minimum
    return MseChoice{static_cast<int64_t>(cand[pick]), p.centre[cand[pick]]};
}

}  // namespace cs::obs

#include "core/observers/kernels.h"

namespace cs::obs {

namespace {

constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23: adding and removing it rounds half to even

// The level of one value, the same float32 operations as kernels::squaredErrorDivide.
inline float levelOf(float x, const ErrorCandidate& c) {
    float v = x / c.scale;
    v = v < c.lo ? c.lo : (v > c.hi ? c.hi : v);
    return (v + kMagic) - kMagic;
}

// Occupied bins of a fine histogram over [mn, mx]. Every value put into bin k lies within
// [lo[k], hi[k]] (float edges widened past the double arithmetic that chose the bin), and the
// edges increase with k, so a candidate's level at lo[k] and hi[k] brackets the level of
// every value in the bin (levelOf is monotone).
struct MomentHistogram {
    std::vector<float> lo, hi;
    std::vector<long double> count, sum, sumSq;  // prefix sums over bins < k (size bins + 1)
    std::vector<double> binCount;
    std::vector<uint32_t> compactFrom;  // full bin index -> first occupied bin at or after it
    double mn = 0.0, inv = 0.0;
    long double sumAbs = 0.0L;  // sum of |x|
    std::size_t size() const { return lo.size(); }
    // The first occupied bin whose full index is at or after that of value v.
    std::size_t binAtOrAfter(double v) const {
        const double g = (v - mn) * inv;
        if (!(g > 0.0)) return 0;
        if (g >= static_cast<double>(compactFrom.size())) return size();
        return compactFrom[static_cast<std::size_t>(g)];
    }
};

struct Cell {
    double n, s1, s2, pad;  // count, sums of (x - centre) and its square
};

float floatAtMost(double v) {
    float f = static_cast<float>(v);
    if (static_cast<double>(f) > v) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    return f;
}
float floatAtLeast(double v) {
    float f = static_cast<float>(v);
    if (static_cast<double>(f) < v) f = std::nextafter(f, std::numeric_limits<float>::infinity());
    return f;
}

void buildHistogram(const float* x, std::size_t n, float mn, float mx, std::size_t bins, MomentHistogram& h) {
    thread_local std::vector<Cell> cells;
    cells.assign(bins, Cell{0.0, 0.0, 0.0, 0.0});
    const double lo = mn, span = static_cast<double>(mx) - lo, width = span / static_cast<double>(bins);
    const double inv = static_cast<double>(bins) / span, half = 0.5 * width;
    const auto last = static_cast<int64_t>(bins) - 1;
    for (std::size_t i = 0; i < n; ++i) {
        const double v = x[i];
        int64_t j = static_cast<int64_t>((v - lo) * inv);
        j = j < 0 ? 0 : (j > last ? last : j);
        const double u = v - (lo + static_cast<double>(j) * width + half);
        Cell& c = cells[static_cast<std::size_t>(j)];
        c.n += 1.0;
        c.s1 += u;
        c.s2 += u * u;
    }
    h.mn = lo;
    h.inv = inv;
    h.lo.clear();
    h.hi.clear();
    h.binCount.clear();
    h.count.assign(1, 0.0L);
    h.sum.assign(1, 0.0L);
    h.sumSq.assign(1, 0.0L);
    h.compactFrom.assign(bins, 0);
    h.sumAbs = 0.0L;
    // The bin was chosen in double arithmetic: widen its edges by far more than its error.
    const double slack = 1e-12 * (std::fabs(lo) + std::fabs(static_cast<double>(mx)));
    for (std::size_t j = 0; j < bins; ++j) {
        h.compactFrom[j] = static_cast<uint32_t>(h.lo.size());
        const Cell& c = cells[j];
        if (c.n == 0.0) continue;
        const double e0 = lo + static_cast<double>(j) * width, o = e0 + half;
        h.lo.push_back(j == 0 ? mn : std::max(mn, floatAtMost(e0 - slack)));
        h.hi.push_back(static_cast<int64_t>(j) == last ? mx : std::min(mx, floatAtLeast(e0 + width + slack)));
        h.binCount.push_back(c.n);
        const long double lo_ = o, n_ = c.n, s1 = c.s1, s2 = c.s2;
        h.count.push_back(h.count.back() + n_);
        h.sum.push_back(h.sum.back() + s1 + n_ * lo_);
        h.sumSq.push_back(h.sumSq.back() + s2 + 2.0L * lo_ * s1 + n_ * lo_ * lo_);
        h.sumAbs += n_ * (std::fabs(lo_) + half);
    }
}

struct Bounds {
    long double lower = 0.0L, upper = 0.0L;
};

// Lower and upper bound of one candidate's squared error (rounding of this form excluded).
Bounds candidateBounds(const MomentHistogram& h, const ErrorCandidate& c, std::size_t& runs, long double& maxLevel) {
    Bounds b;
    const std::size_t m = h.size();
    const auto atHi = [&](std::size_t k) { return levelOf(h.hi[k], c); };
    std::size_t k = 0;
    while (k < m) {
        const float rl = levelOf(h.lo[k], c), rh = atHi(k);
        const float c1 = rl * c.scale;
        maxLevel = std::max(maxLevel, static_cast<long double>(std::fabs(c1)));
        if (rl == rh) {
            // A run of bins on level rl ends before the first bin whose top is on a higher
            // level: guess it from the level's rounding boundary, then gallop and bisect.
            std::size_t good = k, bad = m;  // atHi(good) == rl; atHi(bad) > rl or bad == m
            if (rl < c.hi) {
                const double edge = (static_cast<double>(rl) + 0.5) * static_cast<double>(c.scale);
                std::size_t g = h.binAtOrAfter(edge);
                g = g > k + 1 ? g - 1 : k + 1;
                if (g < m && atHi(g) > rl) {
                    bad = g;
                    std::size_t step = 1;
                    while (bad - good > 1) {
                        const std::size_t probe = bad - std::min(step, bad - good - 1);
                        if (atHi(probe) > rl) bad = probe; else { good = probe; break; }
                        step *= 2;
                    }
                } else if (g < m) {
                    good = g;
                    std::size_t step = 1;
                    while (good + step < m && !(atHi(good + step) > rl)) {
                        good += step;
                        step *= 2;
                    }
                    bad = std::min(good + step, m);
                }
            }
            while (bad - good > 1) {
                const std::size_t mid = good + (bad - good) / 2;
                if (mid < m && atHi(mid) > rl) bad = mid; else good = mid;
            }
            const long double f = c1, dn = h.count[bad] - h.count[k], ds = h.sum[bad] - h.sum[k],
                              dq = h.sumSq[bad] - h.sumSq[k];
            const long double e = std::max(0.0L, dq - 2.0L * f * ds + f * f * dn);
            b.lower += e;
            b.upper += e;
            ++runs;
            k = bad;
            continue;
        }
        // A bin across a rounding boundary: every value x in [a, b] lands on a level between
        // rl and rh; with two adjacent levels on one of those two exactly.
        const float c2 = rh * c.scale;
        maxLevel = std::max(maxLevel, static_cast<long double>(std::fabs(c2)));
        const long double a = h.lo[k], top = h.hi[k], n = h.binCount[k];
        const long double far = std::max(top - c1, static_cast<long double>(c2) - a);
        b.upper += n * far * far;
        if (rh - rl == 1.0f) {
            const auto dist = [&](long double cc) { return cc < a ? a - cc : (cc > top ? cc - top : 0.0L); };
            const long double near = std::min(dist(c1), dist(c2));
            b.lower += n * near * near;
        }
        ++runs;
        ++k;
    }
    return b;
}

thread_local std::size_t lastDirectPasses = 0;
thread_local std::size_t histogramBuilds = 0;

// The thread's moment histogram and, inside a SharedErrorHistogramScope, what it was built
// from (valid only while `built` is set; the scope's end clears it).
thread_local MomentHistogram threadHistogram;
struct SharedKey {
    const float* scopeX = nullptr;
    std::size_t scopeN = 0;
    bool built = false;
    float mn = 0.0f, mx = 0.0f;
    std::size_t bins = 0;
};
thread_local SharedKey shared;

}  // namespace

std::size_t squaredErrorDirectPasses() { return lastDirectPasses; }
std::size_t squaredErrorHistogramBuilds() { return histogramBuilds; }

SharedErrorHistogramScope::SharedErrorHistogramScope(const float* x, std::size_t n)
    : m_previousX(shared.scopeX), m_previousN(shared.scopeN) {
    shared = SharedKey{x, n, false, 0.0f, 0.0f, 0};
}

SharedErrorHistogramScope::~SharedErrorHistogramScope() { shared = SharedKey{m_previousX, m_previousN, false, 0.0f, 0.0f, 0}; }

std::size_t squaredErrorArgmin(const float* x, std::size_t n, float mn, float mx,
                               const std::vector<ErrorCandidate>& candidates, bool lastWins, bool fast) {
    const std::size_t nc = candidates.size();
    if (nc == 0) return 0;
    std::vector<double> loss(nc, std::numeric_limits<double>::infinity());
    // Below this size a direct pass per candidate is cheaper than the histogram.
    constexpr std::size_t kFastFrom = 1u << 15;
    const bool useFast = fast && nc > 2 && n >= kFastFrom && mn < mx && std::isfinite(mn) && std::isfinite(mx);
    if (!useFast) {
        for (std::size_t k = 0; k < nc; ++k)
            loss[k] = kernels::squaredErrorDivide(x, n, candidates[k].scale, candidates[k].lo, candidates[k].hi);
        lastDirectPasses = nc;
    } else {
        MomentHistogram& h = threadHistogram;
        std::size_t bins = 4096;
        while (bins < 65536 && bins * 16 < n) bins *= 2;
        const bool inScope = shared.scopeX != nullptr && x == shared.scopeX && n == shared.scopeN;
        if (!(inScope && shared.built && shared.mn == mn && shared.mx == mx && shared.bins == bins)) {
            buildHistogram(x, n, mn, mx, bins, h);
            ++histogramBuilds;
            shared.built = inScope;
            shared.mn = mn;
            shared.mx = mx;
            shared.bins = bins;
        }
        std::vector<Bounds> bounds(nc);
        std::vector<long double> err(nc);
        long double bestUpper = std::numeric_limits<long double>::infinity();
        const long double eps = std::numeric_limits<long double>::epsilon();
        for (std::size_t k = 0; k < nc; ++k) {
            std::size_t runs = 0;
            long double maxLevel = 0.0L;
            bounds[k] = candidateBounds(h, candidates[k], runs, maxLevel);
            // Each run takes two prefix sums of up to size() terms each; the direct form's
            // float32 differences add up to 2^-22 of the error and its double sums far less.
            const long double total = h.sumSq.back() + 2.0L * maxLevel * h.sumAbs + maxLevel * maxLevel * h.count.back();
            err[k] = 4.0L * static_cast<long double>(runs + 1) * static_cast<long double>(h.size() + 4) * eps * total;
            bestUpper = std::min(bestUpper, bounds[k].upper * (1.0L + 1e-6L) + err[k]);
        }
        lastDirectPasses = 0;
        for (std::size_t k = 0; k < nc; ++k)
            if (bounds[k].lower * (1.0L - 1e-6L) - err[k] <= bestUpper) {
                loss[k] = kernels::squaredErrorDivide(x, n, candidates[k].scale, candidates[k].lo, candidates[k].hi);
                ++lastDirectPasses;
            }
    }
    std::size_t pick = 0;
    for (std::size_t k = 1; k < nc; ++k)
        if (lastWins ? loss[k] <= loss[pick] : loss[k] < loss[pick]) pick = k;
    return pick;
}

}  // namespace cs::obs

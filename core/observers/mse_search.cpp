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

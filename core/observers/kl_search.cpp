#include "core/observers/kl_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace cs::obs {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kHorizonQEps = 1e-10;
constexpr int64_t kWindow = 9;  // Horizon's moving sum width; its centre is +4

// Far larger than the rounding error of the prefix-sum formula (~1e-13 on values of order
// ln(total)) and far smaller than any real difference between two thresholds.
double tieTolerance(double best) { return 1e-9 * std::max(1.0, std::fabs(best)); }

std::vector<double> withFirstBinFlattened(const std::vector<double>& hist) {
    std::vector<double> h = hist;
    if (h.size() >= 2) h[0] = h[1];  // both references drop the zero spike this way
    return h;
}

double directDivergence(const std::vector<double>& h, int64_t n, int64_t i, KlVariant variant,
                        std::vector<double>& groupSum, std::vector<double>& groupCount) {
    const std::size_t len = h.size();
    if (i <= 0 || static_cast<std::size_t>(i) > len || n <= 0) return kInf;
    groupSum.assign(static_cast<std::size_t>(n), 0.0);
    groupCount.assign(static_cast<std::size_t>(n), 0.0);
    for (int64_t j = 0; j < i; ++j) {
        const double v = h[static_cast<std::size_t>(j)];
        if (v == 0.0) continue;
        const auto g = static_cast<std::size_t>(j * n / i);
        groupSum[g] += v;
        groupCount[g] += 1.0;
    }
    double tail = 0.0;
    for (std::size_t j = static_cast<std::size_t>(i); j < len; ++j) tail += h[j];
    double sumP = 0.0, sumQ = 0.0;
    for (int64_t j = 0; j < i; ++j) {
        const double v = h[static_cast<std::size_t>(j)];
        sumP += v + (j == i - 1 ? tail : 0.0);
        if (v != 0.0) {
            const auto g = static_cast<std::size_t>(j * n / i);
            sumQ += groupSum[g] / groupCount[g];
        }
    }
    if (!(sumQ > 0.0) || !(sumP > 0.0)) return kInf;
    double kl = 0.0;
    for (int64_t j = 0; j < i; ++j) {
        const double v = h[static_cast<std::size_t>(j)];
        const double pc = v + (j == i - 1 ? tail : 0.0);
        if (pc <= 0.0) continue;
        double qc = 0.0;
        if (v != 0.0) {
            const auto g = static_cast<std::size_t>(j * n / i);
            qc = groupSum[g] / groupCount[g];
        }
        const double p = pc / sumP;
        double q = qc / sumQ;
        if (variant == KlVariant::Horizon) q += kHorizonQEps;
        else if (q == 0.0) return kInf;
        kl += p * std::log(p / q);
    }
    return kl;
}

// Prefix sums shared by every candidate of one histogram.
struct Prefix {
    std::vector<double> sum;      // sum[k]  = h[0] + ... + h[k-1]
    std::vector<double> suffix;   // suffix[k] = h[k] + ... + h[len-1]
    std::vector<double> nonzero;  // nonzero[k] = #{j < k : h[j] != 0}
    std::vector<double> hlogh;    // hlogh[k] = sum of h ln h over j < k
    explicit Prefix(const std::vector<double>& h) {
        const std::size_t len = h.size();
        sum.assign(len + 1, 0.0);
        suffix.assign(len + 1, 0.0);
        nonzero.assign(len + 1, 0.0);
        hlogh.assign(len + 1, 0.0);
        for (std::size_t j = 0; j < len; ++j) {
            sum[j + 1] = sum[j] + h[j];
            nonzero[j + 1] = nonzero[j] + (h[j] != 0.0 ? 1.0 : 0.0);
            hlogh[j + 1] = hlogh[j] + (h[j] > 0.0 ? h[j] * std::log(h[j]) : 0.0);
        }
        for (std::size_t j = len; j-- > 0;) suffix[j] = suffix[j + 1] + h[j];
    }
};

// KL = sum p ln p - sum p ln q. The first term only needs h ln h up to i-1 and the merged
// last bin; in the second, q is constant over the non-empty bins of a group.
double fastDivergence(const std::vector<double>& h, const Prefix& pre, int64_t n, int64_t i,
                      KlVariant variant) {
    const auto ui = static_cast<std::size_t>(i);
    const double total = pre.sum[h.size()];
    const double kept = pre.sum[ui];
    if (!(kept > 0.0) || !(total > 0.0)) return kInf;
    const double tail = pre.suffix[ui];
    const double last = h[ui - 1];
    const double lastP = last + tail;
    const double logTotal = std::log(total);

    double plogp = (pre.hlogh[ui - 1] - pre.sum[ui - 1] * logTotal) / total;
    if (lastP > 0.0) plogp += lastP / total * (std::log(lastP) - logTotal);

    const double eps = variant == KlVariant::Horizon ? kHorizonQEps : 0.0;
    double plogq = 0.0;
    double lastQ = 0.0;
    if (n >= i) {
        // Each bin is its own group: Q equals h below the last bin.
        for (std::size_t j = 0; j + 1 < ui; ++j) {
            const double v = h[j];
            if (v > 0.0) plogq += v / total * std::log(v / kept + eps);
        }
        lastQ = last > 0.0 ? last / kept : 0.0;
    } else {
        for (int64_t g = 0; g < n; ++g) {
            const auto s = static_cast<std::size_t>((g * i + n - 1) / n);
            const auto e = static_cast<std::size_t>(((g + 1) * i + n - 1) / n);
            if (s >= e) continue;
            const double count = pre.nonzero[e] - pre.nonzero[s];
            if (count == 0.0) continue;
            const double groupSum = pre.sum[e] - pre.sum[s];
            const double q = groupSum / count / kept;
            double mass = groupSum;
            if (e == ui) {
                mass -= last;  // the last bin carries the outliers: handled below
                lastQ = last > 0.0 ? q : 0.0;
            }
            if (mass > 0.0) plogq += mass / total * std::log(q + eps);
        }
    }
    if (lastP > 0.0) {
        const double q = lastQ + eps;
        if (q == 0.0) return kInf;
        plogq += lastP / total * std::log(q);
    }
    const double kl = plogp - plogq;
    return std::isnan(kl) ? kInf : kl;
}

}  // namespace

double klDivergenceDirect(const std::vector<double>& hist, int64_t quantBins, int64_t i,
                          KlVariant variant) {
    std::vector<double> gs, gc;
    return directDivergence(withFirstBinFlattened(hist), quantBins, i, variant, gs, gc);
}

KlCandidates klDivergences(const std::vector<double>& hist, int64_t quantBins, int64_t startBin,
                           int64_t stride, KlVariant variant, bool fast) {
    KlCandidates out;
    const auto len = static_cast<int64_t>(hist.size());
    if (stride <= 0 || quantBins <= 0 || len == 0) return out;
    const std::vector<double> h = withFirstBinFlattened(hist);
    for (int64_t i = std::max<int64_t>(startBin, 1); i <= len; i += stride) out.i.push_back(i);
    out.value.resize(out.i.size());
    if (fast) {
        const Prefix pre(h);
        for (std::size_t k = 0; k < out.i.size(); ++k)
            out.value[k] = fastDivergence(h, pre, quantBins, out.i[k], variant);
    } else {
        std::vector<double> gs, gc;
        for (std::size_t k = 0; k < out.i.size(); ++k)
            out.value[k] = directDivergence(h, quantBins, out.i[k], variant, gs, gc);
    }
    return out;
}

int64_t nvidiaEntropySelect(const std::vector<double>& hist, int64_t quantBins, int64_t startBin,
                            int64_t stride, bool fast) {
    KlCandidates c = klDivergences(hist, quantBins, startBin, stride, KlVariant::Nvidia, fast);
    if (c.i.empty()) return -1;
    double best = kInf;
    for (double v : c.value) best = std::min(best, v);
    if (best == kInf) return c.i.back();  // np.argmin over all-inf picks the last after flip
    if (fast) {
        // Settle near-ties with the direct formula so rounding cannot move the choice.
        const double tol = tieTolerance(best);
        const std::vector<double> h = withFirstBinFlattened(hist);
        std::vector<double> gs, gc;
        for (std::size_t k = 0; k < c.value.size(); ++k)
            c.value[k] = c.value[k] <= best + tol
                             ? directDivergence(h, quantBins, c.i[k], KlVariant::Nvidia, gs, gc)
                             : kInf;
    }
    std::size_t pick = 0;
    double pickValue = kInf;
    for (std::size_t k = 0; k < c.value.size(); ++k)
        if (c.value[k] <= pickValue) {
            pickValue = c.value[k];
            pick = k;
        }
    return c.i[pick];
}

int64_t horizonKlSelect(const std::vector<double>& hist, int64_t quantBins, int64_t startBin,
                        int64_t stride, bool fast) {
    KlCandidates c = klDivergences(hist, quantBins, startBin, stride, KlVariant::Horizon, fast);
    const auto d = static_cast<int64_t>(c.i.size());
    const int64_t windows = d - 10;  // the reference slides j = 0 .. D-11
    if (windows <= 0) return -1;
    auto windowSums = [&](const std::vector<double>& kl) {
        std::vector<double> s(static_cast<std::size_t>(windows), 0.0);
        for (int64_t j = 0; j < windows; ++j)
            for (int64_t t = j; t < j + kWindow; ++t) s[static_cast<std::size_t>(j)] += kl[static_cast<std::size_t>(t)];
        return s;
    };
    std::vector<double> sums = windowSums(c.value);
    if (fast) {
        double best = kInf;
        for (double v : sums) best = std::min(best, v);
        if (best < kInf) {
            const double tol = tieTolerance(best);
            const std::vector<double> h = withFirstBinFlattened(hist);
            std::vector<double> gs, gc;
            std::map<int64_t, double> direct;
            for (int64_t j = 0; j < windows; ++j) {
                auto& s = sums[static_cast<std::size_t>(j)];
                if (!(s <= best + tol)) {
                    s = kInf;
                    continue;
                }
                double acc = 0.0;
                for (int64_t t = j; t < j + kWindow; ++t) {
                    auto it = direct.find(t);
                    if (it == direct.end())
                        it = direct.emplace(t, directDivergence(h, quantBins, c.i[static_cast<std::size_t>(t)],
                                                                KlVariant::Horizon, gs, gc)).first;
                    acc += it->second;
                }
                s = acc;
            }
        }
    }
    int64_t pick = 0;
    double pickValue = kInf;
    for (int64_t j = 0; j < windows; ++j)
        if (sums[static_cast<std::size_t>(j)] <= pickValue) {
            pickValue = sums[static_cast<std::size_t>(j)];
            pick = j;
        }
    return pick * stride + startBin + 4;
}

}  // namespace cs::obs

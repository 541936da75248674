#include "core/observers/range_search_p.h"

#include "core/observers/quant_math.h"

namespace cs::obs::detail {

ErrorCandidate gridCandidate(float mn, float mx, const QuantSpec& spec) {
    const QuantRange range = quantRange(spec);
    float scale;
    int64_t zp;
    calculateQParams(mn, mx, spec, scale, zp);
    return ErrorCandidate{scale, static_cast<float>(range.qmin - zp), static_cast<float>(range.qmax - zp)};
}

std::pair<float, float> bestScaledRange(const float* x, std::size_t n, float mn, float mx,
                                        const std::vector<float>& factors, const QuantSpec& spec, bool lastWins) {
    std::vector<ErrorCandidate> candidates;
    candidates.reserve(factors.size());
    for (float f : factors) candidates.push_back(gridCandidate(mn * f, mx * f, spec));
    const float f = factors[squaredErrorArgmin(x, n, mn, mx, candidates, lastWins)];
    return {mn * f, mx * f};
}

}  // namespace cs::obs::detail

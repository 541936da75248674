#include "widgets/repair_weight_change.h"

#include <algorithm>
#include <cmath>

namespace cs::ui {

WeightRepairChange makeWeightRepairChange(const std::string& layer, const std::vector<float>& weightBefore,
                                          const std::vector<float>& biasBefore, const std::vector<float>& weightAfter,
                                          const std::vector<float>& biasAfter, int bins)
{
    WeightRepairChange c;
    c.layer = layer;
    const size_t channels = std::max(biasBefore.size(), biasAfter.size());
    c.biasShift.assign(channels, 0.0);
    for (size_t k = 0; k < channels; ++k) {
        const double b = k < biasBefore.size() ? biasBefore[k] : 0.0;
        const double a = k < biasAfter.size() ? biasAfter[k] : 0.0;
        c.biasShift[k] = a - b;
    }
    double lo = 0, hi = 0;
    bool any = false;
    for (const auto* w : {&weightBefore, &weightAfter})
        for (float v : *w)
            if (std::isfinite(v)) {
                lo = any ? std::min(lo, double(v)) : double(v);
                hi = any ? std::max(hi, double(v)) : double(v);
                any = true;
            }
    if (!(hi > lo))
        hi = lo + 1.0;
    c.lo = lo;
    c.hi = hi;
    bins = std::max(bins, 1);
    const auto histogram = [&](const std::vector<float>& w) {
        std::vector<double> counts(size_t(bins), 0.0);
        for (float v : w) {
            if (!std::isfinite(v))
                continue;
            const int b = std::clamp(int((double(v) - lo) / (hi - lo) * bins), 0, bins - 1);
            counts[size_t(b)] += 1.0;
        }
        return counts;
    };
    c.before = histogram(weightBefore);
    c.after = histogram(weightAfter);
    const size_t n = std::min(weightBefore.size(), weightAfter.size());
    for (size_t i = 0; i < n; ++i)
        c.maxWeightChange = std::max(c.maxWeightChange, std::abs(double(weightAfter[i]) - double(weightBefore[i])));
    return c;
}

} // namespace cs::ui

#include "core/stats/histogram_error.h"

#include "core/observers/quant_math.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cs {
namespace {

// ∫_a^b (x - c)² dx / (b - a) for a uniform density on [a, b].
double meanSquaredDistance(double a, double b, double c)
{
    if (b <= a)
        return (a - c) * (a - c);
    return (std::pow(b - c, 3) - std::pow(a - c, 3)) / (3.0 * (b - a));
}

} // namespace

ErrorEstimate estimateQuantError(const HistogramData& h, float clipMin, float clipMax, const obs::QuantSpec& spec)
{
    ErrorEstimate e;
    obs::calculateQParams(clipMin, clipMax, spec, e.scale, e.zeroPoint);
    const obs::QuantRange range = obs::quantRange(spec);
    // What the integer grid can represent, whatever the observer asked for.
    const double lo = double(range.qmin - e.zeroPoint) * e.scale;
    const double hi = double(range.qmax - e.zeroPoint) * e.scale;
    const double rounding = double(e.scale) * double(e.scale) / 12.0;
    const double width = h.binWidth();
    double total = 0, clipped = 0;
    for (size_t i = 0; i < h.counts.size(); ++i) {
        const double n = h.counts[i];
        if (n <= 0)
            continue;
        const double a = h.lo + width * double(i);
        const double b = a + width;
        total += n;
        e.signalPower += n * (a * a + a * b + b * b) / 3.0;
        // Split the bin into its parts below, inside and above the representable range.
        const double belowEnd = std::clamp(lo, a, b), aboveStart = std::clamp(hi, a, b);
        const double fracBelow = width > 0 ? (belowEnd - a) / width : (a < lo ? 1.0 : 0.0);
        const double fracAbove = width > 0 ? (b - aboveStart) / width : (a > hi ? 1.0 : 0.0);
        const double fracInside = std::max(0.0, 1.0 - fracBelow - fracAbove);
        if (fracBelow > 0)
            e.clippingError += n * fracBelow * meanSquaredDistance(a, belowEnd, lo);
        if (fracAbove > 0)
            e.clippingError += n * fracAbove * meanSquaredDistance(aboveStart, b, hi);
        e.roundingError += n * fracInside * rounding;
        // "Clipped" is about the user's clip range, which may be tighter than the grid.
        const double cb = std::clamp(double(clipMin), a, b), ca = std::clamp(double(clipMax), a, b);
        clipped += width > 0 ? n * ((cb - a) + (b - ca)) / width : (a < clipMin || a > clipMax ? n : 0.0);
    }
    e.squaredError = e.clippingError + e.roundingError;
    e.l2 = std::sqrt(e.squaredError);
    e.sqnrDb = e.squaredError > 0 ? 10.0 * std::log10(e.signalPower / e.squaredError)
                                  : std::numeric_limits<double>::infinity();
    e.clippedFraction = total > 0 ? clipped / total : 0.0;
    return e;
}

} // namespace cs

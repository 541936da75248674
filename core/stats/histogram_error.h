#pragma once
// Quantization error of a clip range estimated from a point's accumulated histogram: what
// the GUI shows while a clip handle is dragged, before the exact numbers arrive.
#include "core/observers/quant_types.h"
#include "core/stats/point_statistics.h"

namespace cs {

struct ErrorEstimate {
    double squaredError = 0;    // Σ (x - q(x))², over the histogram's elements
    double clippingError = 0;   // the part from values outside the representable range
    double roundingError = 0;   // the part from rounding inside it
    double signalPower = 0;     // Σ x²
    double l2 = 0;              // sqrt(squaredError): what Horizon's mse/mix minimise
    double sqnrDb = 0;          // 10 log10(signalPower / squaredError); +inf when error is 0
    double clippedFraction = 0; // share of elements outside [clipMin, clipMax]
    float scale = 0;
    int64_t zeroPoint = 0;
};

// Every bin's elements are taken as spread uniformly over the bin; rounding noise inside the
// range is scale²/12 per element (uniform rounding), clipping error is integrated exactly.
ErrorEstimate estimateQuantError(const HistogramData& histogram, float clipMin, float clipMax,
                                 const obs::QuantSpec& spec);

} // namespace cs

#pragma once
// A small hand-made calibration result for model and widget tests that need no LibTorch run.
#include "core/calibration.h"
#include "core/observers/quant_math.h"

#include <cmath>

namespace guitest {

inline cs::HistogramData gaussianHistogram(double lo, double hi, int bins, double mean, double sigma, double total)
{
    cs::HistogramData h;
    h.lo = lo;
    h.hi = hi;
    const double width = (hi - lo) / bins;
    for (int i = 0; i < bins; ++i) {
        const double x = lo + (i + 0.5) * width;
        h.counts.push_back(std::round(total * width * std::exp(-0.5 * std::pow((x - mean) / sigma, 2))
                                      / (sigma * std::sqrt(2 * M_PI))));
    }
    return h;
}

inline cs::obs::ObserverResult rangeResult(float lo, float hi, const cs::obs::QuantSpec& spec)
{
    cs::obs::ObserverResult r;
    r.min = {lo};
    r.max = {hi};
    r.hasStatistics = true;
    const auto q = cs::obs::calculateQParams(r.min, r.max, spec);
    r.scale = q.scale;
    r.zeroPoint = q.zeroPoint;
    return r;
}

inline cs::PointCalibration makePoint(const std::string& name, int opIndex, double mean, double sigma, float clip)
{
    cs::PointCalibration p;
    p.name = name;
    p.opIndex = opIndex;
    p.config = cs::defaultActivationConfig();
    p.stats.histogram = gaussianHistogram(-8, 8, 256, mean, sigma, 10000);
    p.stats.count = int64_t(p.stats.histogram.total());
    p.stats.min = float(mean - 4 * sigma);
    p.stats.max = float(mean + 4 * sigma);
    p.stats.shape = {1, 4, 8, 8};
    for (int b = 0; b < 3; ++b) {
        cs::BatchSummary batch;
        batch.absMax = p.stats.max;
        batch.count = 3000;
        batch.absHistogram.assign(64, 10.0f + float(b));
        p.stats.batches.push_back(batch);
    }
    p.result = rangeResult(p.stats.min, p.stats.max, p.config.spec);
    p.compare["min_max"] = p.result;
    p.compare["percentile"] = rangeResult(-clip, clip, p.config.spec);
    return p;
}

// Ops: x (input), conv (fused into relu), relu, add. Points: x, relu, add.
inline cs::CalibrationResult makeResult()
{
    cs::CalibrationResult r;
    r.config.activation = cs::defaultActivationConfig();
    const auto op = [](const char* name, const char* kind, const char* fusedInto = "") {
        cs::OpInfo o;
        o.name = name;
        o.module = name;
        o.kind = kind;
        o.fusedInto = fusedInto;
        o.shape = {1, 4, 8, 8};
        return o;
    };
    r.model.ops = {op("x", "input"), op("conv", "aten::conv2d", "relu"), op("relu", "aten::relu"),
                   op("add", "aten::add")};
    r.model.ops[1].weightShape = {4, 1, 3, 3};
    r.points.push_back(makePoint("x", 0, 0.0, 1.0, 3.0f));
    r.points.push_back(makePoint("relu", 2, 1.0, 0.5, 2.5f));
    r.points.push_back(makePoint("add", 3, 0.0, 1.8, 3.0f));
    r.points[2].stats.nan = 3; // a bad point

    cs::WeightCalibration w;
    w.name = "conv";
    w.opIndex = 1;
    w.config = cs::defaultWeightConfig();
    w.shape = {4, 1, 3, 3};
    w.folded = {{-0.5f, -0.2f, -0.9f, -0.1f}, {0.6f, 0.3f, 0.8f, 0.15f}};
    w.unfolded = {{-0.4f, -0.3f, -0.6f, -0.2f}, {0.5f, 0.35f, 0.7f, 0.25f}};
    w.foldedBatchNorm = "bn";
    w.result.min = w.folded.min;
    w.result.max = w.folded.max;
    w.result.hasStatistics = true;
    const auto q = cs::obs::calculateQParams(w.folded.min, w.folded.max, w.config.spec);
    w.result.scale = q.scale;
    w.result.zeroPoint = q.zeroPoint;
    r.weights.push_back(w);
    return r;
}

} // namespace guitest

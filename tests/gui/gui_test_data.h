#pragma once
// A small hand-made calibration result for model and widget tests that need no LibTorch run.
#include "core/calibration.h"
#include "core/evaluation.h"
#include "core/observers/quant_math.h"

#include <cmath>
#include <limits>

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

// Points whose magnitudes differ by orders (so L2 sorts differently as text and as numbers),
// with four compare observers of different clip ranges; "head" lacks "mse", "tail" has no
// compare results at all. Ops = points, in order: stem, block, head, tail.
inline cs::CalibrationResult makeWideCompareResult()
{
    cs::CalibrationResult r;
    r.config.activation = cs::defaultActivationConfig();
    const struct {
        const char* name;
        double range; // histogram over [-range, range], sigma = range / 8
    } shapes[] = {{"stem", 8.0}, {"block", 800.0}, {"head", 0.08}, {"tail", 2.0}};
    for (int i = 0; i < 4; ++i) {
        cs::OpInfo o;
        o.name = o.module = shapes[i].name;
        o.kind = "aten::conv2d";
        o.shape = {1, 8, 4, 4};
        r.model.ops.push_back(o);
        const double range = shapes[i].range;
        const double sigma = range / 8;
        cs::PointCalibration p;
        p.name = shapes[i].name;
        p.opIndex = i;
        p.config = cs::defaultActivationConfig();
        p.stats.histogram = gaussianHistogram(-range, range, 512, 0.0, sigma, 20000);
        p.stats.count = int64_t(p.stats.histogram.total());
        // As if rare outliers (too few to show in the histogram) stretched min_max to ±6 sigma.
        p.stats.min = float(-6 * sigma);
        p.stats.max = float(6 * sigma);
        p.result = rangeResult(p.stats.min, p.stats.max, p.config.spec);
        if (std::string(p.name) != "tail") {
            p.compare["min_max"] = p.result;
            p.compare["percentile"] = rangeResult(float(-4.5 * sigma), float(4.5 * sigma), p.config.spec);
            p.compare["kl_divergence"] = rangeResult(float(-1.2 * sigma), float(1.2 * sigma), p.config.spec);
            if (std::string(p.name) != "head")
                p.compare["mse"] = rangeResult(float(-3.6 * sigma), float(3.6 * sigma), p.config.spec);
        }
        r.points.push_back(p);
    }
    // "block" uses percentile: the compare table merges it with its compare twin.
    r.points[1].config.name = "percentile";
    r.points[1].result = r.points[1].compare["percentile"];
    return r;
}

inline cs::OutputMetrics outputMetrics(double top1, double top5, double agreement, double sqnrDb, double cosine)
{
    cs::OutputMetrics m;
    m.samples = m.labelled = 1000;
    m.top1 = top1;
    m.top5 = top5;
    m.argmaxAgreement = agreement;
    m.sqnrDb = sqnrDb;
    m.cosine = cosine;
    return m;
}

// An evaluation of a 12-point chain: the input is exact (+inf SQNR), error enters at "conv1"
// and the accumulated SQNR falls most (8 dB) at "layer3.conv"; accuracy rows float, plan,
// auto, min_max, percentile; sensitivity ranked over every point but the input.
inline cs::EvaluationResult makeEvaluation(bool labels = true)
{
    const double inf = std::numeric_limits<double>::infinity();
    cs::EvaluationResult e;
    e.hasLabels = labels;
    e.images = 1000;
    e.batches = 16;
    e.seconds = 12.5;
    const auto m = [labels](double top1, double top5, double agreement, double sqnr, double cosine) {
        return outputMetrics(labels ? top1 : 0, labels ? top5 : 0, agreement, sqnr, cosine);
    };
    e.floatMetrics = m(0.912, 0.991, 1.0, inf, 1.0);
    e.planMetrics = m(0.874, 0.985, 0.931, 21.4, 0.9962);
    e.accuracy = {{"float", e.floatMetrics},
                  {"plan", e.planMetrics},
                  {"auto", m(0.903, 0.989, 0.968, 27.9, 0.9991)},
                  {"min_max", m(0.861, 0.982, 0.917, 19.8, 0.9947)},
                  {"percentile", m(0.895, 0.988, 0.955, 25.2, 0.9983)}};
    const struct {
        const char* name;
        double local, accumulated;
    } chain[] = {{"input", inf, inf},          {"conv1", 38.0, 38.0},        {"layer1.conv", 41.5, 35.2},
                 {"layer1.add", 44.0, 34.0},   {"layer2.conv", 36.0, 31.5},  {"layer2.add", 45.0, 30.9},
                 {"layer3.conv", 24.5, 22.9},  {"layer3.relu", inf, 22.9},   {"layer3.add", 40.0, 22.1},
                 {"pool", 52.0, 23.0},         {"fc", 33.0, 21.6},           {"output", 60.0, 21.4}};
    for (const auto& c : chain) {
        cs::PointEvaluation p;
        p.name = c.name;
        p.local.sqnrDb = c.local;
        p.accumulated.sqnrDb = c.accumulated;
        e.points.push_back(p);
    }
    // Ranked most sensitive first, as runEvaluation leaves them.
    const struct {
        const char* point;
        double top1;
    } ranked[] = {{"layer3.conv", 0.871}, {"fc", 0.889},         {"conv1", 0.897}, {"layer2.conv", 0.902},
                  {"layer1.conv", 0.906}, {"layer3.add", 0.908}, {"pool", 0.910},  {"layer2.add", 0.910},
                  {"layer1.add", 0.911},  {"output", 0.912},     {"layer3.relu", 0.912}};
    for (const auto& r : ranked) {
        cs::SensitivityEntry s;
        s.point = r.point;
        const double agreement = 0.93 + r.top1 * 0.07;
        const double sqnr = 20 + (r.top1 - 0.87) * 400;
        s.onlyThis = m(r.top1, 0.99, agreement, sqnr, 0.999);
        s.drop = labels ? 100.0 * (0.912 - r.top1) : 200.0 - sqnr;
        e.sensitivity.push_back(s);
    }
    return e;
}

} // namespace guitest

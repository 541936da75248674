// Bias correction: the quantized model's conv/linear outputs shifted back onto the float
// model's per-channel means (Nagel et al. 2019, empirical as AIMET does it; TI's per-batch
// update for the TI presets).
#include "core/repair/repair.h"

#include "core/errors.h"
#include "core/model/quantized_model.h"
#include "core/quant_plan.h"
#include "core/repair/repair_p.h"

#include <cmath>

namespace cs {

namespace {

using repair::LayerMeans;

std::vector<bool> linearFlags(const ModelSummary& model, const std::vector<WeightTensor>& layers)
{
    std::vector<bool> linear;
    for (const auto& w : layers)
        linear.push_back(repair::isLinear(model, w.opIndex));
    return linear;
}

// Per-channel means of every layer's output in the float model with `reference`.
LayerMeans floatMeans(const ModelGraph& graph, const LayerParameterMap& reference,
                      const std::vector<Batch>& batches, const std::vector<bool>& linear, size_t firstBatch,
                      size_t endBatch)
{
    InstrumentedModel model(graph, reference, true);
    LayerMeans means(model.points().size(), linear);
    for (size_t b = firstBatch; b < endBatch; ++b)
        model.forward(batches[b].data.data(), batches[b].shape, means, TapMode::Observe);
    return means;
}

LayerMeans quantizedMeans(const ModelGraph& graph, const QuantPlan& plan, const std::vector<Batch>& batches,
                          const std::vector<bool>& linear, size_t firstBatch, size_t endBatch)
{
    QuantizedModel model(graph, plan, true);
    LayerMeans means(model.points().size(), linear);
    for (size_t b = firstBatch; b < endBatch; ++b)
        model.forward(batches[b].data.data(), batches[b].shape, &means);
    return means;
}

void setBias(LayerParameterMap& parameters, const WeightTensor& layer, std::vector<float> bias)
{
    repair::checkFinite("bias correction", layer.opName, bias);
    parameters[layer.opName].bias = std::move(bias);
}

} // namespace

RepairRecord correctBias(const RepairContext& context, const CalibrationResult& calibration,
                         const LayerParameterMap& reference, LayerParameterMap& parameters,
                         const BiasCorrectionOptions& options)
{
    RepairRecord record;
    record.name = "bias_correction";
    const bool ti = options.flavour == BiasCorrectionFlavour::TiPerBatch;
    record.params["flavour"] = ti ? "ti_per_batch" : "empirical";
    if (ti) {
        record.params["factor"] = repair::formatNumber(options.factor);
        record.params["epochs"] = std::to_string(options.epochs);
    }
    repair::LoadedModel loaded = repair::loadModel(context.config, true, context.progress);
    const ModelGraph& graph = *loaded.graph;
    const auto& batches = loaded.batches;
    record.params["batches"] = std::to_string(batches.size());

    LayerParameterMap working = parameters;
    const std::vector<WeightTensor> layers = repair::effectiveLayers(graph, working);
    if (layers.empty()) {
        record.notes.push_back("no conv/linear op: nothing to correct");
        return record;
    }
    const std::vector<bool> linear = linearFlags(graph.summary(), layers);
    QuantPlan plan = planFromCalibration(calibration);

    if (!ti) {
        const LayerMeans reference_ = floatMeans(graph, reference, batches, linear, 0, batches.size());
        for (size_t l = 0; l < layers.size(); ++l) {
            repair::report(context.progress, "bias correction", int64_t(l), int64_t(layers.size()), layers[l].opName);
            if (reference_.nonFinite(l))
                throw CalibError("bias correction", "point " + layers[l].opName + ": the float model's output holds NaN or Inf");
            plan.parameters = working;
            const LayerMeans q = quantizedMeans(graph, plan, batches, linear, 0, batches.size());
            if (q.nonFinite(l))
                throw CalibError("bias correction", "point " + layers[l].opName + ": the quantized output holds NaN or Inf");
            const std::vector<double> mf = reference_.mean(l), mq = q.mean(l);
            std::vector<float> bias = layers[l].bias;
            auto current = working.find(layers[l].opName);
            if (current != working.end() && !current->second.bias.empty())
                bias = current->second.bias;
            if (mf.size() != bias.size() || mq.size() != bias.size()) {
                record.notes.push_back(layers[l].opName + ": output channels do not match its bias; skipped");
                continue;
            }
            double largest = 0;
            for (size_t c = 0; c < bias.size(); ++c) {
                const double shift = mq[c] - mf[c];
                bias[c] = float(double(bias[c]) - shift);
                largest = std::max(largest, std::abs(shift));
            }
            setBias(working, layers[l], std::move(bias));
            record.notes.push_back(layers[l].opName + ": " + std::to_string(layers[l].bias.size())
                                   + " channels, largest shift " + repair::formatNumber(largest));
        }
        repair::report(context.progress, "bias correction", int64_t(layers.size()), int64_t(layers.size()));
    } else {
        for (const auto& w : layers) // every layer gets an explicit bias to update
            if (working[w.opName].bias.empty())
                working[w.opName].bias = w.bias;
        const int64_t steps = int64_t(batches.size()) * std::max(1, options.epochs);
        int64_t step = 0;
        std::vector<double> largest(layers.size(), 0.0);
        for (int e = 0; e < std::max(1, options.epochs); ++e)
            for (size_t b = 0; b < batches.size(); ++b) {
                repair::report(context.progress, "bias correction (TI)", step++, steps);
                const LayerMeans mf = floatMeans(graph, reference, batches, linear, b, b + 1);
                plan.parameters = working;
                const LayerMeans mq = quantizedMeans(graph, plan, batches, linear, b, b + 1);
                for (size_t l = 0; l < layers.size(); ++l) {
                    if (mf.nonFinite(l) || mq.nonFinite(l))
                        throw CalibError("bias correction", "point " + layers[l].opName + ": NaN or Inf in batch "
                                                                + std::to_string(b));
                    std::vector<float> bias = working[layers[l].opName].bias;
                    const std::vector<double> f = mf.mean(l), q = mq.mean(l);
                    if (f.size() != bias.size() || q.size() != bias.size())
                        continue;
                    for (size_t c = 0; c < bias.size(); ++c) {
                        const double step_ = options.factor * (f[c] - q[c]);
                        bias[c] = float(double(bias[c]) + step_);
                        largest[l] = std::max(largest[l], std::abs(double(bias[c]) - double(layers[l].bias[c])));
                    }
                    setBias(working, layers[l], std::move(bias));
                }
            }
        for (size_t l = 0; l < layers.size(); ++l)
            record.notes.push_back(layers[l].opName + ": " + std::to_string(layers[l].bias.size())
                                   + " channels, largest shift " + repair::formatNumber(largest[l]));
        repair::report(context.progress, "bias correction (TI)", steps, steps);
    }
    parameters = std::move(working);
    return record;
}

} // namespace cs

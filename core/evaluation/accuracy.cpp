// Stages 3 and 4 of an evaluation: the accuracy table and the per-point sensitivity, one
// quantized pass each.
#include "core/evaluation/stages_p.h"
#include "core/model/quantized_model.h"

#include <algorithm>
#include <cstring>

namespace cs::evaluation {

QuantPlan onlyPoint(const QuantPlan& full, const ModelSummary& model, const std::string& point)
{
    QuantPlan plan;
    plan.foldBatchNorm = full.foldBatchNorm;
    plan.parameters = full.parameters; // the repaired model, with only this point quantized
    if (auto it = full.activations.find(point); it != full.activations.end())
        plan.activations.insert(*it);
    for (const auto& op : model.ops)
        if (op.hasWeightPoint() && (op.name == point || op.fusedInto == point))
            if (auto it = full.weights.find(op.name); it != full.weights.end())
                plan.weights.insert(*it);
    return plan;
}

QuantPlan allButPoint(const QuantPlan& full, const ModelSummary& model, const std::string& point)
{
    QuantPlan plan = full;
    plan.activations.erase(point);
    for (const auto& op : model.ops)
        if (op.hasWeightPoint() && (op.name == point || op.fusedInto == point))
            plan.weights.erase(op.name);
    return plan;
}

namespace {

bool sameParams(const FakeQuantParams& a, const FakeQuantParams& b)
{
    // Bitwise on the scales: a row reuses the main pass's metrics only for the very same grid.
    return a.scale.size() == b.scale.size()
           && std::memcmp(a.scale.data(), b.scale.data(), a.scale.size() * sizeof(float)) == 0
           && a.zeroPoint == b.zeroPoint && a.quantMin == b.quantMin && a.quantMax == b.quantMax
           && a.chAxis == b.chAxis;
}

bool sameParamMaps(const std::map<std::string, FakeQuantParams>& a, const std::map<std::string, FakeQuantParams>& b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
               return x.first == y.first && sameParams(x.second, y.second);
           });
}

} // namespace

bool samePlan(const QuantPlan& a, const QuantPlan& b)
{
    return a.foldBatchNorm == b.foldBatchNorm && sameParamMaps(a.activations, b.activations)
           && sameParamMaps(a.weights, b.weights) && a.parameters == b.parameters;
}

void runAccuracyTable(PassRunner& runner, const std::vector<std::pair<std::string, QuantPlan>>& rows,
                      const QuantPlan& mainPlan, EvaluationResult& result, int64_t& done, int64_t total)
{
    for (const auto& [label, rowPlan] : rows) {
        // A row whose plan is the main pass's own (the configured observer's row, an automatic
        // plan that keeps every choice) has its outputs already: the main pass ran that very
        // quantized model over the same batches against the same float outputs.
        if (samePlan(rowPlan, mainPlan)) {
            result.accuracy.push_back({label, result.planMetrics});
            for (int64_t b = 0; b < runner.batches; ++b) // the progress a pass would report
                runner.report("accuracy table", ++done, total);
            continue;
        }
        result.accuracy.push_back({label, runner.outputsOf(rowPlan, "accuracy table", done, total)});
    }
}

void runSensitivity(PassRunner& runner, const QuantPlan& plan, bool allButOne, EvaluationResult& result,
                    int64_t& done, int64_t total)
{
    const double floatHeadline = headlineMetric(result.floatMetrics, result.hasLabels);
    if (plan.activations.empty())
        return;
    QuantizedModel model(runner.graph, plan, false, BatchNormLayout::Folded, true);
    for (const auto& [point, unused] : plan.activations) {
        SensitivityEntry e;
        e.point = point;
        model.select(onlyPoint(plan, runner.graph.summary(), point));
        e.onlyThis = runner.outputsOf(model, "sensitivity", done, total);
        if (allButOne) {
            model.select(allButPoint(plan, runner.graph.summary(), point));
            e.allButThis = runner.outputsOf(model, "sensitivity", done, total);
        }
        e.drop = floatHeadline - headlineMetric(e.onlyThis, result.hasLabels);
        result.sensitivity.push_back(std::move(e));
    }
    std::stable_sort(result.sensitivity.begin(), result.sensitivity.end(),
                     [](const auto& a, const auto& b) { return a.drop > b.drop; });
}

} // namespace cs::evaluation

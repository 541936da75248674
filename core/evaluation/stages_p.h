#pragma once
// Internal to core: the stages of runEvaluation (core/evaluation.h), each in its own file,
// and the runner of quantized passes they and runSweep share.
#include "core/dataset/dataset_source.h"
#include "core/evaluation.h"
#include "core/model/model_graph.h"
#include "core/quant_plan.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cs {
class QuantizedModel;
}

namespace cs::evaluation {

// One batch of the float model's outputs: the reference of every quantized pass.
struct ReferenceBatch {
    std::vector<float> logits;
    std::vector<int64_t> labels;
    int64_t n = 0;
};

// Runs whole-model passes over the validation data: the model, the data, and the float
// model's outputs every quantized pass is measured against.
class PassRunner {
public:
    PassRunner(const std::string& modelPath, PointMode mode, std::vector<int64_t> calibratedShape,
               const EvaluationConfig& config, const ProgressCallback& progress);

    const EvaluationConfig& config;
    const ProgressCallback& progress;
    ModelGraph graph;
    std::unique_ptr<DatasetSource> data;
    int64_t batches = 0;
    std::vector<ReferenceBatch> reference;

    // Opens the validation data, checks its sample shape against the calibrated one and
    // infers the graph's shapes.
    void openData();
    // The float model's outputs alone (what runSweep needs; the main pass records them itself).
    void computeReference();
    // Reports progress; throws JobCancelled when the callback says stop.
    void report(const std::string& stage, int64_t done, int64_t total) const;
    // One pass of `plan` over the data: its outputs against the float outputs and labels.
    OutputMetrics outputsOf(const QuantPlan& plan, const std::string& stage, int64_t& done, int64_t total);
    // The same with a model already built (a switchable one, its subset selected).
    OutputMetrics outputsOf(QuantizedModel& model, const std::string& stage, int64_t& done, int64_t total);

private:
    std::vector<int64_t> m_calibratedShape;
};

// A candidate of the automatic plan at one point, measured by the main pass.
struct Candidate {
    std::string observer;
    FakeQuantParams params;
    double squaredError = 0; // clipping + rounding error of its local fake-quantization
};

// What the main pass leaves for the automatic plan, besides what it writes to the result.
struct MainPassOutput {
    std::vector<std::string> points;                // in the graph's order
    std::vector<std::vector<Candidate>> candidates; // per point; empty at float points
};

// Stage 1: the float forward and the plan's quantized forward, overlapped batch by batch.
// Fills images, batches, floatMetrics, planMetrics, points and nonFinite of `result`.
MainPassOutput runMainPass(PassRunner& runner, const EvaluationInput& input, EvaluationResult& result);

// Stage 2: per point the candidate with the lowest local L2. Fills result.autoPlan and
// returns the plan with those choices (the user's plan elsewhere).
QuantPlan runAutoPlan(const EvaluationInput& input, const MainPassOutput& mainPass, EvaluationResult& result);

// Stage 3: one quantized pass per row, appended to result.accuracy; a row whose plan is
// `mainPlan` (the main pass's, whose outputs are result.planMetrics) takes those instead of a
// pass of its own. `done`/`total` count the batches of stages 3 and 4 together.
void runAccuracyTable(PassRunner& runner, const std::vector<std::pair<std::string, QuantPlan>>& rows,
                      const QuantPlan& mainPlan, EvaluationResult& result, int64_t& done, int64_t total);

// The same quantized model: equal activation and weight grids (scales bit for bit), BN
// folding and repaired parameters.
bool samePlan(const QuantPlan& a, const QuantPlan& b);

// The subsets of `full` the sensitivity stage runs: `point` alone with the weights fused
// into it (the repaired parameters and BN folding kept), and everything but them.
QuantPlan onlyPoint(const QuantPlan& full, const ModelSummary& model, const std::string& point);
QuantPlan allButPoint(const QuantPlan& full, const ModelSummary& model, const std::string& point);

// Stage 4: each point of `plan` quantized alone (and, with allButOne, everything but it);
// fills result.sensitivity, ranked most sensitive first. Every pass runs one switchable
// model of `plan` (building a model per pass costs more than its forward on large graphs).
void runSensitivity(PassRunner& runner, const QuantPlan& plan, bool allButOne, EvaluationResult& result,
                    int64_t& done, int64_t total);

} // namespace cs::evaluation

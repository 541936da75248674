#include "core/evaluation.h"

#include "core/evaluation/stages_p.h"
#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/platform/find_by_p.h"
#include "core/quant_plan.h"

#include <algorithm>
#include <chrono>
#include <memory>

namespace cs {

const PointEvaluation* EvaluationResult::point(const std::string& name) const
{
    return detail::findBy(points, &PointEvaluation::name, name);
}

const AccuracyRow* EvaluationResult::row(const std::string& label) const
{
    return detail::findBy(accuracy, &AccuracyRow::label, label);
}

std::vector<std::string> stalePoints(const EvaluationResult& evaluation, const std::vector<PointCalibration>& points)
{
    std::vector<std::string> stale;
    for (const auto& p : points) {
        auto it = evaluation.planConfigs.find(p.name);
        if (it == evaluation.planConfigs.end() || it->second != p.config)
            stale.push_back(p.name);
    }
    return stale;
}

bool evaluationIsCurrent(const EvaluationResult& evaluation, const std::vector<PointCalibration>& points)
{
    return evaluation.planConfigs.size() == points.size() && stalePoints(evaluation, points).empty();
}

bool evaluationIsCurrent(const CalibrationResult& calibration)
{
    return calibration.evaluation && evaluationIsCurrent(*calibration.evaluation, calibration.points);
}

double headlineMetric(const OutputMetrics& m, bool labels)
{
    return labels ? 100.0 * m.top1 : std::min(m.sqnrDb, kHeadlineSqnrCapDb);
}

double rowAccuracy(const OutputMetrics& m, bool labels) { return labels ? m.top1 : m.argmaxAgreement; }

EvaluationInput evaluationInput(const CalibrationResult& calibration, const EvaluationConfig& config)
{
    EvaluationInput in;
    in.modelPath = calibration.model.path;
    in.modelSha256 = calibration.model.sha256;
    in.inputShape = calibration.model.inputShape;
    in.mode = calibration.config.mode;
    in.plan = planFromCalibration(calibration);
    for (const auto& p : calibration.points) {
        in.planConfigs.emplace(p.name, p.config);
        const HistogramData& h = p.stats.histogram;
        if (h.counts.empty() || !(h.hi > h.lo))
            continue;
        // The observer's clip range; a point without one (nothing to clip) keeps the data's.
        const bool clip = !p.result.min.empty() && !p.result.max.empty();
        in.coverage[p.name] = CoverageGrid{h.lo, h.hi, int(h.counts.size()), clip ? p.result.min[0] : p.stats.min,
                                           clip ? p.result.max[0] : p.stats.max};
    }
    if (config.localErrorsOnly && !config.autoPlan)
        return in;
    if (config.autoPlan)
        for (const auto& p : calibration.points)
            for (const auto& [name, r] : p.compare)
                if (!r.scale.empty() && r.hasStatistics)
                    in.candidates[p.name].emplace(name, fakeQuantParams(r, p.config.spec));
    if (config.accuracyTable && !config.localErrorsOnly) {
        std::vector<std::string> observers = config.observers;
        if (observers.empty() && !calibration.points.empty())
            for (const auto& [name, r] : calibration.points.front().compare)
                observers.push_back(name);
        for (const auto& name : observers) {
            if (calibration.points.empty() || !calibration.points.front().compare.count(name)) {
                in.warnings.push_back("observer " + name + " is not in the calibration's compare results; "
                                      "calibrate with --compare to add it to the accuracy table");
                continue;
            }
            in.observerPlans.emplace_back(name, planWithObserver(calibration, name));
        }
    }
    return in;
}

EvaluationResult runEvaluation(const CalibrationResult& calibration, const EvaluationConfig& config,
                               const ProgressCallback& progress)
{
    return runEvaluation(evaluationInput(calibration, config), config, progress);
}

EvaluationResult runEvaluation(const EvaluationInput& input, const EvaluationConfig& config,
                               const ProgressCallback& progress)
{
    if (config.batchSize <= 0)
        throw CalibError("evaluation", "batch size must be positive");
    const auto started = std::chrono::steady_clock::now();
    setComputeThreads(config.threads);
    EvaluationResult result;
    result.data = config.data;
    result.maxBatches = config.maxBatches;
    result.planConfigs = input.planConfigs;
    evaluation::PassRunner runner(input.modelPath, input.mode, input.inputShape, config, progress);
    if (runner.graph.summary().sha256 != input.modelSha256)
        result.warnings.push_back(input.modelPath + " changed since the calibration (sha256 differs)");
    // A point meant to be quantized that the plan leaves out has no calibration statistics
    // (an op inside a branch no calibration batch took).
    for (const auto& [name, pointConfig] : input.planConfigs)
        if (!pointConfig.keepFloat && !input.plan.activations.count(name))
            result.warnings.push_back(name + ": no calibration data (its branch did not run in calibration): "
                                             "evaluated in float");
    runner.openData();
    result.hasLabels = runner.data->hasLabels();
    const auto stageDone = [&](EvaluationStage stage) {
        if (config.onStage)
            config.onStage(stage, result);
    };

    const evaluation::MainPassOutput mainPass = evaluation::runMainPass(runner, input, result);
    result.accuracy.push_back({kFloatRow, result.floatMetrics});
    if (!config.localErrorsOnly)
        result.accuracy.push_back({kPlanRow, result.planMetrics});
    stageDone(EvaluationStage::MainPass);

    QuantPlan autoPlan = input.plan;
    if (config.autoPlan) {
        autoPlan = evaluation::runAutoPlan(input, mainPass, result);
        stageDone(EvaluationStage::AutoPlan);
    }

    // Accuracy table and sensitivity: one quantized pass each, counted together.
    std::vector<std::pair<std::string, QuantPlan>> rows;
    if (config.accuracyTable && !config.localErrorsOnly) {
        if (config.autoPlan)
            rows.emplace_back(kAutoRow, autoPlan);
        rows.insert(rows.end(), input.observerPlans.begin(), input.observerPlans.end());
        result.warnings.insert(result.warnings.end(), input.warnings.begin(), input.warnings.end());
    }
    const bool sensitivity = config.sensitivity && !config.localErrorsOnly;
    const size_t sensitive = sensitivity ? input.plan.activations.size() : 0;
    const int64_t passes = int64_t(rows.size() + sensitive * (config.sensitivityAllButOne ? 2 : 1));
    const int64_t total = passes * runner.batches;
    int64_t done = 0;
    if (config.accuracyTable && !config.localErrorsOnly) {
        evaluation::runAccuracyTable(runner, rows, input.plan, result, done, total);
        stageDone(EvaluationStage::AccuracyTable);
    }
    if (sensitivity) {
        evaluation::runSensitivity(runner, input.plan, config.sensitivityAllButOne, result, done, total);
        stageDone(EvaluationStage::Sensitivity);
    }

    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

std::map<std::string, ObserverConfig> autoPlanConfigs(const CalibrationResult& calibration,
                                                     const EvaluationResult& evaluation)
{
    std::map<std::string, ObserverConfig> configs;
    for (const auto& choice : evaluation.autoPlan) {
        const PointCalibration* p = calibration.point(choice.point);
        if (!p)
            continue;
        ObserverConfig c = p->config;
        c.name = choice.observer;
        c.params.clear();
        configs[choice.point] = c;
    }
    return configs;
}

std::vector<SweepRow> runSweep(const CalibrationConfig& calibrationConfig, const EvaluationConfig& evaluationConfig,
                               const std::vector<double>& percentiles, const std::vector<int>& bins,
                               const ProgressCallback& progress)
{
    std::vector<SweepRow> rows;
    std::unique_ptr<evaluation::PassRunner> runner;
    CalibrationResult calibration;
    ObserverBank bank;
    const int64_t cells = int64_t(percentiles.size() * bins.size());
    int64_t done = 0, total = 0;
    for (int b : bins) {
        CalibrationConfig config = calibrationConfig;
        config.activation.name = "percentile";
        config.activation.params = {{"bins", double(b)}};
        config.overrides.clear();
        config.compareObservers = false;
        calibration = runCalibration(config, progress, &bank);
        if (!runner) {
            runner = std::make_unique<evaluation::PassRunner>(calibration.model.path, calibration.config.mode,
                                                              calibration.model.inputShape, evaluationConfig,
                                                              progress);
            runner->openData();
            runner->computeReference();
            total = cells * runner->batches;
        }
        for (double p : percentiles) {
            for (const auto& point : calibration.points)
                if (retunePoint(calibration, bank, point.name, {{"percentile", p}}) != RetuneOutcome::Recomputed)
                    throw CalibError("sweep", "percentile " + std::to_string(p) + " could not be applied to "
                                                  + point.name);
            rows.push_back({p, b, runner->outputsOf(planFromCalibration(calibration), "sweep", done, total)});
        }
    }
    const bool labels = runner && runner->data->hasLabels();
    std::stable_sort(rows.begin(), rows.end(), [labels](const SweepRow& a, const SweepRow& b) {
        return headlineMetric(a.metrics, labels) > headlineMetric(b.metrics, labels);
    });
    return rows;
}

} // namespace cs

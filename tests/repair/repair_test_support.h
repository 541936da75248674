#pragma once
// Shared by the repair suites: reproducible random layer data and the evaluation's measure of
// a plan's output error.
#include "core/calibration.h"
#include "core/evaluation.h"
#include "core/quant_plan.h"

#include <random>
#include <vector>

namespace cs::test {

// `n` samples of a normal distribution (mean 0, deviation `sigma`) drawn by `Engine` seeded
// with `seed`: the same values on every run, so a threshold tuned on them stays valid.
template <class Engine = std::mt19937>
std::vector<float> normalSamples(size_t n, typename Engine::result_type seed, float sigma = 1.0f)
{
    Engine rng(seed);
    std::normal_distribution<float> normal(0.0f, sigma);
    std::vector<float> v(n);
    for (float& x : v)
        x = normal(rng);
    return v;
}

// The output SQNR (dB) of `plan` against float on `data`, measured by the evaluation (its
// metrics only: no accuracy table, sensitivity or automatic plan).
inline double planOutputSqnr(const CalibrationResult& calibration, const QuantPlan& plan, const DatasetSpec& data,
                             int batchSize, int maxBatches)
{
    EvaluationConfig e;
    e.data = data;
    e.batchSize = batchSize;
    e.maxBatches = maxBatches;
    e.accuracyTable = e.sensitivity = e.autoPlan = false;
    EvaluationInput in = evaluationInput(calibration, e);
    in.plan = plan;
    return runEvaluation(in, e).planMetrics.sqnrDb;
}

} // namespace cs::test

// The accuracy-driven plan search and the fallback budget (core/repair/plan_search.h): whole-
// model passes of candidate plans over batches held in memory, against float outputs computed
// once.
#include "core/repair/plan_search.h"

#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"
#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/model/quantized_model.h"
#include "core/observers/quant_math.h"
#include "core/stats/metrics.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

namespace cs {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool sameParams(const FakeQuantParams& a, const FakeQuantParams& b)
{
    return a.scale == b.scale && a.zeroPoint == b.zeroPoint && a.quantMin == b.quantMin && a.quantMax == b.quantMax
           && a.chAxis == b.chAxis;
}

// The data read once into memory and the float model's outputs on it; every candidate plan
// is one pass over the held batches.
class CachedPasses {
public:
    CachedPasses(const std::string& modelPath, PointMode mode, const std::vector<int64_t>& calibratedShape,
                 const DatasetSpec& spec, int batchSize, int maxBatches, int threads, const ProgressCallback& progress)
        : m_graph(modelPath, mode), m_progress(progress)
    {
        setComputeThreads(threads);
        const auto data = openDataset(spec, progress);
        checkSampleShape(calibratedShape, data->sampleShape());
        std::vector<int64_t> inputShape = data->sampleShape();
        inputShape.insert(inputShape.begin(), 1);
        m_graph.inferShapes(inputShape);
        hasLabels = data->hasLabels();
        const int64_t all = (data->size() + batchSize - 1) / batchSize;
        const int64_t count = maxBatches < 0 ? all : std::min<int64_t>(all, maxBatches);
        InstrumentedModel model(m_graph);
        struct None final : TapHandler {
            void observe(int, const obs::TensorView&) override {}
        } none;
        BatchPrefetcher prefetcher(*data, batchSize, count);
        while (auto batch = prefetcher.next()) {
            const BatchOutput out = model.forward(batch->data.data(), batch->shape, none, TapMode::Float);
            for (float v : out.data)
                signal += double(v) * double(v);
            elements += int64_t(out.data.size());
            images += batch->shape.empty() ? 0 : batch->shape.front();
            m_reference.push_back(out.data);
            m_batches.push_back(std::move(*batch));
            report("float reference", int64_t(m_batches.size()), count);
        }
        if (m_batches.empty())
            throw CalibError(spec.path, "no batches to search on");
        for (const TapPoint& p : model.points())
            pointOrder.push_back(p.name);
    }

    const ModelGraph& graph() const { return m_graph; }
    int64_t batchCount() const { return int64_t(m_batches.size()); }

    // Σ (output - float output)² of `plan`; stops once the sum passes `bound` (then `stopped`).
    double squaredError(const QuantPlan& plan, double bound, bool& stopped, const std::string& stage)
    {
        QuantizedModel model(m_graph, plan);
        double sum = 0;
        stopped = false;
        ++passes;
        for (size_t b = 0; b < m_batches.size(); ++b) {
            const BatchOutput out = model.forward(m_batches[b].data.data(), m_batches[b].shape);
            const std::vector<float>& ref = m_reference[b];
            if (out.data.size() != ref.size())
                throw CalibError("plan search", "the quantized model's output differs in size from the float one's");
            double s = 0;
            for (size_t i = 0; i < ref.size(); ++i) {
                const double d = double(out.data[i]) - double(ref[i]);
                s += d * d;
            }
            sum += std::isfinite(s) ? s : kInf;
            tick(stage);
            if (sum > bound && b + 1 < m_batches.size()) {
                stopped = true;
                m_done += int64_t(m_batches.size() - b - 1);
                return sum;
            }
        }
        return sum;
    }

    OutputMetrics metrics(const QuantPlan& plan, const std::string& stage)
    {
        QuantizedModel model(m_graph, plan);
        OutputAccumulator acc;
        ++passes;
        for (size_t b = 0; b < m_batches.size(); ++b) {
            const BatchOutput out = model.forward(m_batches[b].data.data(), m_batches[b].shape);
            acc.add(out.data, m_reference[b], m_batches[b].shape.front(), m_batches[b].labels);
            tick(stage);
        }
        return acc.result();
    }

    OutputMetrics floatMetrics() const
    {
        OutputAccumulator acc;
        for (size_t b = 0; b < m_batches.size(); ++b)
            acc.add(m_reference[b], m_reference[b], m_batches[b].shape.front(), m_batches[b].labels);
        return acc.result();
    }

    // Progress counts batches of whole passes; `total` is an estimate set by the caller.
    void setTotalPasses(int64_t totalPasses) { m_total = totalPasses * batchCount(); }

    void report(const std::string& stage, int64_t done, int64_t total) const
    {
        if (m_progress && !m_progress(ProgressInfo{stage, done, total, 0.0, {}}))
            throw JobCancelled();
    }

    std::vector<std::string> pointOrder; // every tapped point, in op order
    double signal = 0;
    int64_t elements = 0;
    int64_t images = 0;
    bool hasLabels = false;
    int passes = 0;

private:
    void tick(const std::string& stage)
    {
        ++m_done;
        report(stage, std::min(m_done, m_total), m_total);
    }

    ModelGraph m_graph;
    const ProgressCallback& m_progress;
    std::vector<Batch> m_batches;
    std::vector<std::vector<float>> m_reference;
    int64_t m_done = 0;
    int64_t m_total = 0;
};

double elapsedSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The candidates of one point with the same grid, measured by one pass.
struct CandidateGroup {
    std::vector<std::string> names;
    FakeQuantParams params;
};

} // namespace

PlanSearchResult runPlanSearch(const EvaluationInput& input, const PlanSearchConfig& config,
                               const ProgressCallback& progress)
{
    const auto started = std::chrono::steady_clock::now();
    if (config.batchSize < 1)
        throw CalibError("plan search", "the batch size must be at least 1");
    if (input.candidates.empty())
        throw CalibError("plan search", "the calibration holds no compare results: calibrate with the compare pass "
                                        "(--compare) to give the search its candidates");
    CachedPasses passes(input.modelPath, input.mode, input.inputShape, config.data, config.batchSize,
                        config.maxBatches, config.threads, progress);
    PlanSearchResult result;
    result.images = passes.images;

    // The searched points, in op order: quantized points with candidates.
    std::vector<std::string> order;
    for (const std::string& name : passes.pointOrder) {
        auto c = input.candidates.find(name);
        if (c != input.candidates.end() && !c->second.empty() && input.plan.activations.count(name))
            order.push_back(name);
    }
    std::set<std::string> observers;
    for (const auto& name : order)
        for (const auto& [observer, unused] : input.candidates.at(name))
            observers.insert(observer);

    // Each point's candidates grouped by grid; the user's configuration is one of them.
    std::map<std::string, std::vector<CandidateGroup>> groups;
    int64_t estimate = int64_t(observers.size()) + 1;
    for (const auto& name : order) {
        std::vector<CandidateGroup>& g = groups[name];
        auto add = [&](const std::string& observer, const FakeQuantParams& params) {
            for (CandidateGroup& existing : g)
                if (sameParams(existing.params, params)) {
                    existing.names.push_back(observer);
                    return;
                }
            g.push_back({{observer}, params});
        };
        add(kConfiguredCandidate, input.plan.activations.at(name));
        for (const auto& [observer, params] : input.candidates.at(name))
            add(observer, params);
        estimate += int64_t(g.size() - 1) * std::max(1, config.sweeps);
    }
    passes.setTotalPasses(estimate);

    const double toMse = passes.elements > 0 ? 1.0 / double(passes.elements) : 0.0;
    // The plans with one observer everywhere (where the compare pass has it), and the user's.
    std::map<std::string, std::string> choice; // point → candidate name
    auto planWith = [&](const std::string& observer, std::map<std::string, std::string>* choices) {
        QuantPlan plan = input.plan;
        for (const auto& name : order) {
            const auto& cands = input.candidates.at(name);
            auto it = cands.find(observer);
            const bool has = observer != kConfiguredCandidate && it != cands.end();
            if (has)
                plan.activations[name] = it->second;
            if (choices)
                (*choices)[name] = has ? observer : std::string(kConfiguredCandidate);
        }
        return plan;
    };
    double best = kInf;
    bool stopped = false;
    std::vector<std::string> starts{kConfiguredCandidate};
    starts.insert(starts.end(), observers.begin(), observers.end());
    for (const auto& observer : starts) {
        const double err = passes.squaredError(planWith(observer, nullptr), kInf, stopped, "single observers");
        result.singleObservers[observer] = err * toMse;
        if (err < best || result.start.empty()) {
            best = err;
            result.start = observer;
        }
    }
    QuantPlan current = planWith(result.start, &choice);
    result.startError = best * toMse;

    for (int sweep = 0; sweep < std::max(1, config.sweeps); ++sweep) {
        std::vector<PlanSearchPoint> records;
        for (const auto& name : order) {
            PlanSearchPoint rec;
            rec.point = name;
            rec.before = choice.at(name);
            const FakeQuantParams& now = current.activations.at(name);
            const CandidateGroup* winner = nullptr;
            for (const CandidateGroup& g : groups.at(name)) {
                double err = best;
                bool bounded = false;
                if (!sameParams(g.params, now)) {
                    QuantPlan trial = current;
                    trial.activations[name] = g.params;
                    err = passes.squaredError(trial, best, bounded, "searching " + name);
                }
                for (const auto& n : g.names) {
                    rec.candidates[n] = err * toMse;
                    if (bounded)
                        rec.bounded.insert(n);
                }
                if (err < best) { // strictly lower: a tie keeps the current choice
                    best = err;
                    winner = &g;
                }
            }
            if (winner) {
                current.activations[name] = winner->params;
                choice[name] = winner->names.front();
            }
            rec.chosen = choice.at(name);
            records.push_back(std::move(rec));
        }
        result.points = std::move(records);
    }

    result.outputError = best * toMse;
    result.outputSqnrDb = best > 0 ? 10.0 * std::log10(passes.signal / best) : kInf;
    result.plan = current;
    for (const auto& [name, unused] : current.activations) {
        auto configured = input.planConfigs.find(name);
        if (configured == input.planConfigs.end())
            continue;
        auto chosen = choice.find(name);
        ObserverConfig c = configured->second;
        if (chosen != choice.end() && chosen->second != kConfiguredCandidate) {
            c.name = chosen->second;
            c.params.clear();
            c.keepFloat = false;
        }
        result.configs[name] = c;
    }
    result.passes = passes.passes;
    result.seconds = elapsedSince(started);
    return result;
}

PlanSearchConfig planSearchConfig(const CalibrationConfig& calibration)
{
    PlanSearchConfig s;
    s.data = calibration.data;
    s.batchSize = calibration.batchSize;
    s.maxBatches = calibration.numBatches;
    s.threads = calibration.threads;
    return s;
}

PlanSearchResult runPlanSearch(const CalibrationResult& calibration, const PlanSearchConfig& config,
                               const ProgressCallback& progress)
{
    EvaluationConfig e;
    e.accuracyTable = false;
    e.sensitivity = false;
    e.autoPlan = true;
    return runPlanSearch(evaluationInput(calibration, e), config, progress);
}

double planOutputError(const CalibrationResult& calibration, const QuantPlan& plan, const PlanSearchConfig& config,
                       const ProgressCallback& progress)
{
    if (config.batchSize < 1)
        throw CalibError("plan search", "the batch size must be at least 1");
    CachedPasses passes(calibration.model.path, calibration.config.mode, calibration.model.inputShape, config.data,
                        config.batchSize, config.maxBatches, config.threads, progress);
    passes.setTotalPasses(1);
    bool stopped = false;
    const double sum = passes.squaredError(plan, kInf, stopped, "output error");
    return passes.elements > 0 ? sum / double(passes.elements) : 0.0;
}

RepairRecord applyPlanSearch(CalibrationResult& calibration, ObserverBank& bank, const PlanSearchResult& search)
{
    RepairRecord record{"plan_search", {{"metric", "output_mse"}, {"images", std::to_string(search.images)}}, {}};
    for (const auto& [point, c] : search.configs) {
        const PointCalibration* p = calibration.point(point);
        if (!p || p->config == c)
            continue;
        if (applyPointConfig(calibration, bank, point, c) != RetuneOutcome::Recomputed)
            throw CalibError(point, c.name + " cannot be applied without the data: calibrate with --compare and save "
                                             "the observers");
        record.notes.push_back(point + ": " + c.name);
    }
    record.notes.push_back("output MSE " + std::to_string(search.startError) + " (" + search.start + " everywhere) -> "
                           + std::to_string(search.outputError));
    return record;
}

namespace {

// A point's grid at qint16 from its observer's range (same scheme; a custom integer range or
// reduce_range of the original spec does not carry over).
std::optional<std::pair<FakeQuantParams, ObserverConfig>> qint16Of(const PointCalibration& point,
                                                                   const ObserverConfig& config)
{
    const obs::ObserverResult* r = nullptr;
    if (config == point.config)
        r = &point.result;
    else if (auto it = point.compare.find(config.name); it != point.compare.end() && config.params.empty())
        r = &it->second;
    if (!r || r->min.empty() || r->min.size() != r->max.size())
        return std::nullopt;
    ObserverConfig c = config;
    c.spec.dtype = obs::DType::QInt16;
    c.spec.quantMin.reset();
    c.spec.quantMax.reset();
    c.spec.reduceRange = false;
    const obs::QParams q = obs::calculateQParams(r->min, r->max, c.spec);
    obs::ObserverResult wide = *r;
    wide.scale = q.scale;
    wide.zeroPoint = q.zeroPoint;
    return std::make_pair(fakeQuantParams(wide, c.spec), c);
}

} // namespace

FallbackBudgetResult runFallbackBudget(const CalibrationResult& calibration, const QuantPlan& plan,
                                       const std::map<std::string, ObserverConfig>& configs,
                                       const FallbackBudgetConfig& config, const ProgressCallback& progress)
{
    const auto started = std::chrono::steady_clock::now();
    if (config.batchSize < 1)
        throw CalibError("fallback budget", "the batch size must be at least 1");
    CachedPasses passes(calibration.model.path, calibration.config.mode, calibration.model.inputShape,
                        config.validation, config.batchSize, config.maxBatches, config.threads, progress);
    if (!passes.hasLabels)
        throw CalibError(config.validation.path, "a fallback budget needs labelled validation data");

    std::vector<std::string> order;
    for (const std::string& name : passes.pointOrder)
        if (plan.activations.count(name))
            order.push_back(name);
    passes.setTotalPasses(1 + 2 * int64_t(order.size()));

    FallbackBudgetResult result;
    result.floatTop1 = 100.0 * passes.floatMetrics().top1;
    result.target = result.floatTop1 - config.budget;
    result.plan = plan;
    result.startTop1 = result.finalTop1 = 100.0 * passes.metrics(plan, "fallback budget").top1;
    result.met = result.startTop1 >= result.target;

    auto fallBack = [&](QuantPlan& p, const std::string& name, std::map<std::string, ObserverConfig>* out) {
        auto it = configs.find(name);
        ObserverConfig c = it != configs.end() ? it->second : ObserverConfig{};
        const PointCalibration* point = calibration.point(name);
        if (config.precision == FallbackPrecision::QInt16 && point) {
            if (auto wide = qint16Of(*point, c)) {
                p.activations[name] = wide->first;
                if (out)
                    (*out)[name] = wide->second;
                return;
            }
        }
        p.activations.erase(name); // float: also where no range is known for qint16
        c.keepFloat = true;
        if (out)
            (*out)[name] = c;
    };

    if (!result.met) {
        for (const auto& name : order) {
            QuantPlan trial = plan;
            fallBack(trial, name, nullptr);
            result.ranking.emplace_back(name, 100.0 * passes.metrics(trial, "ranking the points").top1);
        }
        std::stable_sort(result.ranking.begin(), result.ranking.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [name, unused] : result.ranking) {
            fallBack(result.plan, name, &result.configs);
            result.fallback.push_back(name);
            result.finalTop1 = 100.0 * passes.metrics(result.plan, "falling back").top1;
            result.top1After.push_back(result.finalTop1);
            if (result.finalTop1 >= result.target) {
                result.met = true;
                break;
            }
        }
    }
    result.passes = passes.passes;
    result.seconds = elapsedSince(started);
    return result;
}

} // namespace cs

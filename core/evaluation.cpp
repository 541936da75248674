#include "core/evaluation.h"

#include "core/platform/background_worker.h"
#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"
#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/platform/logging.h"
#include "core/model/model_graph.h"
#include "core/observers/kernels.h"
#include "core/quant_plan.h"
#include "core/model/quantized_model.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

namespace cs {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

QuantGrid gridOf(const FakeQuantParams& q)
{
    return QuantGrid{q.scale.at(0), q.zeroPoint.at(0), q.quantMin, q.quantMax};
}

// The local error walks each tensor in blocks of 16 KiB of floats, so that every candidate's
// pass over a block after the first reads it from cache.
constexpr size_t kBlock = 4096;

// A point's float activation, held for the quantized pass: the forward's own tensor where
// nothing overwrites it later, a copy where something does.
struct HeldValues {
    const float* data = nullptr;
    size_t n = 0;
    std::shared_ptr<const void> owner;
    std::vector<float> copy;
};

// What the float pass of one batch leaves for the quantized pass of the same batch.
struct FloatBatch {
    Batch batch;
    BatchOutput output;
    std::vector<HeldValues> values;  // per point
    std::vector<int64_t> nonFinite;  // per point
    size_t valueBytes() const
    {
        size_t bytes = 0;
        for (const auto& v : values)
            bytes += v.n * sizeof(float);
        return bytes;
    }
};

// The float pass: keeps each point's activation for the quantized pass and measures the
// local error of the plan and of every automatic-plan candidate. The measuring runs as a task
// on `worker` when one is set (see runEvaluation), so the float forward goes on meanwhile.
class FloatTap final : public TapHandler {
public:
    struct Candidate {
        std::string observer;
        FakeQuantParams params;
        QuantGrid grid;
        ErrorAccumulator error; // of the local error with this observer's grid
        double squaredError() const
        {
            const PointMetrics m = error.result();
            return m.clippingError + m.roundingError;
        }
    };
    FloatBatch* current = nullptr;
    BackgroundWorker* worker = nullptr;
    std::vector<std::optional<QuantGrid>> plan; // per point, empty = float
    std::vector<ErrorAccumulator> local;
    std::vector<std::vector<Candidate>> candidates;

    explicit FloatTap(size_t points) : plan(points), local(points), candidates(points) {}

    bool keepsTensors() const override { return true; }
    void observe(int point, const obs::TensorView& x) override { observeKept(point, x, nullptr); }

    void observeKept(int point, const obs::TensorView& x, std::shared_ptr<const void> owner) override
    {
        const auto p = size_t(point);
        HeldValues& held = current->values[p];
        held.n = x.numel();
        held.owner = std::move(owner);
        if (held.owner) {
            held.data = x.data;
            held.copy.clear();
        } else {
            held.copy.assign(x.data, x.data + held.n);
            held.data = held.copy.data();
        }
        // One task per point and batch, and a batch's tasks all end before the next batch's
        // forward starts: each point's sums are added in batch order on whichever thread.
        if (worker)
            worker->post([this, p, batch = current] { measure(p, *batch); });
        else
            measure(p, *current);
    }

private:
    void measure(size_t p, FloatBatch& batch)
    {
        const HeldValues& held = batch.values[p];
        int64_t nonFinite = 0;
        for (size_t begin = 0; begin < held.n; begin += kBlock) {
            const size_t len = std::min(kBlock, held.n - begin);
            const float* in = held.data + begin;
            nonFinite += plan[p] ? local[p].addFakeQuantized(in, len, *plan[p]).x
                                 : int64_t(obs::kernels::countNonFinite(in, len));
            for (Candidate& c : candidates[p])
                c.error.addFakeQuantized(in, len, c.grid);
        }
        batch.nonFinite[p] = nonFinite;
    }
};

// The quantized pass: each point's quantized value against the float pass's value.
class QuantTap final : public TapHandler {
public:
    const FloatBatch* reference = nullptr;
    std::vector<ErrorAccumulator> accumulated;
    std::vector<double> lo, hi; // per point, the representable range (infinite at float points)
    std::vector<int64_t> nonFinite;

    explicit QuantTap(size_t points) : accumulated(points), lo(points, -kInf), hi(points, kInf), nonFinite(points, 0)
    {
    }

    void observe(int point, const obs::TensorView& x) override
    {
        const auto p = size_t(point);
        const size_t n = x.numel();
        const HeldValues& reference = this->reference->values[p];
        if (reference.n != n) {
            nonFinite[p] = int64_t(obs::kernels::countNonFinite(x.data, n));
            return;
        }
        nonFinite[p] = accumulated[p].add(reference.data, x.data, n, lo[p], hi[p]).q;
    }
};

struct ReferenceBatch {
    std::vector<float> logits;
    std::vector<int64_t> labels;
    int64_t n = 0;
};

// Everything the passes share: the model, the data, and the float model's outputs.
struct Bench {
    const CalibrationResult& calibration;
    const EvaluationConfig& config;
    const ProgressCallback& progress;
    ModelGraph graph;
    std::unique_ptr<DatasetSource> data;
    int64_t batches = 0;
    std::vector<ReferenceBatch> reference;

    Bench(const CalibrationResult& c, const EvaluationConfig& cfg, const ProgressCallback& p)
        : calibration(c), config(cfg), progress(p), graph(c.model.path, c.config.mode)
    {
    }

    void openData()
    {
        data = openDataset(config.data, progress);
        checkSampleShape(calibration.model.inputShape, data->sampleShape());
        std::vector<int64_t> inputShape = data->sampleShape();
        inputShape.insert(inputShape.begin(), 1);
        graph.inferShapes(inputShape);
        const int64_t all = (data->size() + config.batchSize - 1) / config.batchSize;
        batches = config.maxBatches < 0 ? all : std::min<int64_t>(all, config.maxBatches);
    }

    // The float model's outputs, the reference of every later pass.
    void computeReference()
    {
        InstrumentedModel model(graph);
        struct None final : TapHandler {
            void observe(int, const obs::TensorView&) override {}
        } none;
        BatchPrefetcher prefetcher(*data, config.batchSize, batches);
        int64_t done = 0;
        while (auto batch = prefetcher.next()) {
            const BatchOutput out = model.forward(batch->data.data(), batch->shape, none, TapMode::Float);
            reference.push_back(ReferenceBatch{out.data, batch->labels, batch->shape.empty() ? 0 : batch->shape.front()});
            report("float reference", ++done, batches);
        }
    }

    void report(const std::string& stage, int64_t done, int64_t total)
    {
        if (progress && !progress(ProgressInfo{stage, done, total, 0.0, {}}))
            throw JobCancelled();
    }

    // One pass of `plan` over the data: its outputs against the float outputs and labels.
    OutputMetrics outputsOf(const QuantPlan& plan, const std::string& stage, int64_t& done, int64_t total)
    {
        QuantizedModel model(graph, plan);
        OutputAccumulator acc;
        BatchPrefetcher prefetcher(*data, config.batchSize, batches);
        while (auto batch = prefetcher.next()) {
            const BatchOutput out = model.forward(batch->data.data(), batch->shape);
            const ReferenceBatch& ref = reference.at(size_t(batch->index));
            acc.add(out.data, ref.logits, ref.n, ref.labels);
            report(stage, ++done, total);
        }
        return acc.result();
    }
};

double headlineMetric(const OutputMetrics& m, bool labels)
{
    // Accuracy in percent with labels; without, output SQNR (capped so "no error" ranks last).
    return labels ? 100.0 * m.top1 : std::min(m.sqnrDb, 200.0);
}

QuantPlan onlyPoint(const QuantPlan& full, const ModelSummary& model, const std::string& point)
{
    QuantPlan plan;
    plan.foldBatchNorm = full.foldBatchNorm;
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

} // namespace

const PointEvaluation* EvaluationResult::point(const std::string& name) const
{
    for (const auto& p : points)
        if (p.name == name)
            return &p;
    return nullptr;
}

const AccuracyRow* EvaluationResult::row(const std::string& label) const
{
    for (const auto& r : accuracy)
        if (r.label == label)
            return &r;
    return nullptr;
}

bool evaluationIsCurrent(const CalibrationResult& calibration)
{
    if (!calibration.evaluation || calibration.evaluation->planConfigs.size() != calibration.points.size())
        return false;
    for (const auto& p : calibration.points) {
        auto it = calibration.evaluation->planConfigs.find(p.name);
        if (it == calibration.evaluation->planConfigs.end() || it->second != p.config)
            return false;
    }
    return true;
}

EvaluationResult runEvaluation(const CalibrationResult& calibration, const EvaluationConfig& config,
                               const ProgressCallback& progress)
{
    if (config.batchSize <= 0)
        throw CalibError("evaluation", "batch size must be positive");
    const auto started = std::chrono::steady_clock::now();
    setComputeThreads(config.threads);
    EvaluationResult result;
    result.data = config.data;
    result.maxBatches = config.maxBatches;
    for (const auto& p : calibration.points)
        result.planConfigs.emplace(p.name, p.config);
    Bench bench(calibration, config, progress);
    if (bench.graph.summary().sha256 != calibration.model.sha256)
        result.warnings.push_back(calibration.model.path + " changed since the calibration (sha256 differs)");
    bench.openData();
    result.hasLabels = bench.data->hasLabels();

    const QuantPlan plan = planFromCalibration(calibration);
    InstrumentedModel floatModel(bench.graph);
    QuantizedModel quantModel(bench.graph, plan);
    const auto& points = floatModel.points();
    FloatTap floatTap(points.size());
    QuantTap quantTap(points.size());
    for (size_t p = 0; p < points.size(); ++p) {
        if (quantModel.points().at(p).name != points[p].name)
            throw CalibError("evaluation", "internal error: point order differs between float and quantized graphs");
        const PointCalibration* pc = calibration.point(points[p].name);
        if (auto it = plan.activations.find(points[p].name); it != plan.activations.end()) {
            const QuantGrid grid = gridOf(it->second);
            floatTap.plan[p] = grid;
            quantTap.lo[p] = grid.lowest();
            quantTap.hi[p] = grid.highest();
            floatTap.local[p].setScale(it->second.scale.at(0));
            quantTap.accumulated[p].setScale(it->second.scale.at(0));
        }
        if (config.autoPlan && pc)
            for (const auto& [name, r] : pc->compare)
                if (!r.scale.empty() && r.hasStatistics) {
                    FakeQuantParams params = fakeQuantParams(r, pc->config.spec);
                    const QuantGrid grid = gridOf(params);
                    floatTap.candidates[p].push_back({name, std::move(params), grid, {}});
                }
    }

    // Main pass: float and quantized forward on each batch, every metric. The float forward
    // of batch k runs on a helper thread while this one runs the quantized forward of batch
    // k - 1, each with half the cores: one forward on two threads leaves part of the second
    // core idle (the demo: 14 ms on two threads, 24 ms on one), two side by side do not.
    // Holding two batches' float activations is allowed up to kOverlapBytes; above it the
    // passes take turns.
    constexpr size_t kOverlapBytes = size_t(256) << 20;
    const int cores = computeThreadCount(config.threads);
    const int halfCores = std::max(1, cores / 2);
    OutputAccumulator floatAcc, planAcc;
    std::array<FloatBatch, 2> slots;
    for (FloatBatch& slot : slots) {
        slot.values.resize(points.size());
        slot.nonFinite.assign(points.size(), 0);
    }
    int64_t done = 0;
    auto finishBatch = [&](const FloatBatch& fb) {
        const int64_t n = fb.batch.shape.empty() ? 0 : fb.batch.shape.front();
        floatAcc.add(fb.output.data, fb.output.data, n, fb.batch.labels);
        if (!config.localErrorsOnly) {
            quantTap.reference = &fb;
            const BatchOutput quantOut = quantModel.forward(fb.batch.data.data(), fb.batch.shape, &quantTap);
            planAcc.add(quantOut.data, fb.output.data, n, fb.batch.labels);
        }
        bench.reference.push_back(ReferenceBatch{fb.output.data, fb.batch.labels, n});
        for (size_t p = 0; p < points.size(); ++p) {
            if (fb.nonFinite[p])
                result.nonFinite.push_back({points[p].name, "float", int(fb.batch.index), fb.nonFinite[p]});
            if (quantTap.nonFinite[p])
                result.nonFinite.push_back({points[p].name, "quantized", int(fb.batch.index), quantTap.nonFinite[p]});
        }
        result.images += n;
        bench.report("evaluating", ++done, bench.batches);
    };
    {
        struct RestoreThreads { // also when a cancel or an error leaves early
            int threads;
            ~RestoreThreads() { setComputeThreads(threads); }
        } restore{config.threads};
        // The local errors run on an idle-priority thread: it takes the core the quantized
        // side leaves idle while it waits for the float forward, and the float forward's
        // thread finishes what is left when its forward ends (BENCHMARKS.md, third round).
        // Both workers are declared after everything their tasks use: on an exception they
        // finish what runs before those go away.
        BackgroundWorker localWorker(lowerToIdlePriority);
        floatTap.worker = &localWorker;
        BackgroundWorker floatWorker([halfCores] { setComputeThreads(halfCores); });
        setComputeThreads(halfCores);
        bool overlap = !config.localErrorsOnly; // without a quantized forward nothing runs beside
        if (!overlap)
            floatWorker.post([cores] { setComputeThreads(cores); });
        FloatBatch* pending = nullptr; // float pass done, quantized pass not yet
        size_t parity = 0;
        BatchPrefetcher prefetcher(*bench.data, config.batchSize, bench.batches);
        while (auto batch = prefetcher.next()) {
            FloatBatch& slot = slots[parity ^= 1];
            slot.batch = std::move(*batch);
            // Nothing runs beside the first float forward: it gets every core.
            const int floatThreads = pending || !overlap ? 0 : cores;
            floatWorker.post([&floatModel, &floatTap, &slot, &localWorker, floatThreads, halfCores] {
                if (floatThreads)
                    setComputeThreads(floatThreads);
                floatTap.current = &slot;
                slot.output = floatModel.forward(slot.batch.data.data(), slot.batch.shape, floatTap, TapMode::Observe);
                localWorker.helpAndWait();
                if (floatThreads)
                    setComputeThreads(halfCores);
            });
            if (pending)
                finishBatch(*pending);
            floatWorker.wait();
            if (done == 0 && slot.valueBytes() > kOverlapBytes) {
                overlap = false;
                floatWorker.post([cores] { setComputeThreads(cores); });
                setComputeThreads(cores);
            }
            pending = &slot;
            if (!overlap) {
                finishBatch(slot);
                pending = nullptr;
            }
        }
        if (pending) { // nothing runs beside the last quantized forward either
            setComputeThreads(cores);
            finishBatch(*pending);
        }
        floatWorker.wait();
    }
    result.batches = int(done);
    result.floatMetrics = floatAcc.result();
    result.planMetrics = planAcc.result();
    for (size_t p = 0; p < points.size(); ++p)
        result.points.push_back({points[p].name, floatTap.local[p].result(),
                                 config.localErrorsOnly ? PointMetrics{} : quantTap.accumulated[p].result()});
    for (const auto& e : result.nonFinite)
        logWarning("NaN/Inf at " + e.point + " (" + e.pass + " pass, batch " + std::to_string(e.batch) + "): "
                   + std::to_string(e.count) + " values");

    // Automatic plan: per point the candidate with the lowest local L2.
    QuantPlan autoPlan = plan;
    if (config.autoPlan) {
        for (size_t p = 0; p < points.size(); ++p) {
            const auto& cands = floatTap.candidates[p];
            if (cands.empty() || !floatTap.plan[p])
                continue;
            const auto best = std::min_element(cands.begin(), cands.end(), [](const auto& a, const auto& b) {
                return a.squaredError() < b.squaredError();
            });
            AutoChoice choice;
            choice.point = points[p].name;
            choice.observer = best->observer;
            choice.localL2 = std::sqrt(best->squaredError());
            for (const auto& c : cands)
                choice.candidates[c.observer] = std::sqrt(c.squaredError());
            const std::string current = calibration.point(points[p].name)->config.name;
            const double currentL2 = choice.candidates.count(current) ? choice.candidates.at(current)
                                                                       : floatTap.local[p].result().l2;
            choice.reason = best->observer + " has the lowest local L2 (" + std::to_string(choice.localL2) + ") of "
                            + std::to_string(cands.size()) + " observers; " + current + " gives "
                            + std::to_string(currentL2);
            autoPlan.activations[choice.point] = best->params;
            result.autoPlan.push_back(std::move(choice));
        }
    }

    // Accuracy table and sensitivity: one quantized pass each.
    std::vector<std::pair<std::string, QuantPlan>> rows;
    if (config.accuracyTable && !config.localErrorsOnly) {
        if (config.autoPlan)
            rows.emplace_back("auto", autoPlan);
        std::vector<std::string> observers = config.observers;
        if (observers.empty() && !calibration.points.empty())
            for (const auto& [name, r] : calibration.points.front().compare)
                observers.push_back(name);
        for (const auto& name : observers) {
            if (calibration.points.empty() || !calibration.points.front().compare.count(name)) {
                result.warnings.push_back("observer " + name + " is not in the calibration's compare results; "
                                          "calibrate with --compare to add it to the accuracy table");
                continue;
            }
            rows.emplace_back(name, planWithObserver(calibration, name));
        }
    }
    std::vector<std::string> sensitive;
    if (config.sensitivity && !config.localErrorsOnly)
        for (const auto& [name, unused] : plan.activations)
            sensitive.push_back(name);
    const int64_t passes = int64_t(rows.size() + sensitive.size() * (config.sensitivityAllButOne ? 2 : 1));
    const int64_t total = passes * bench.batches;
    int64_t progressDone = 0;

    result.accuracy.push_back({"float", result.floatMetrics});
    if (!config.localErrorsOnly)
        result.accuracy.push_back({"plan", result.planMetrics});
    for (const auto& [label, rowPlan] : rows)
        result.accuracy.push_back({label, bench.outputsOf(rowPlan, "accuracy table", progressDone, total)});

    const double floatHeadline = headlineMetric(result.floatMetrics, result.hasLabels);
    for (const auto& point : sensitive) {
        SensitivityEntry e;
        e.point = point;
        e.onlyThis = bench.outputsOf(onlyPoint(plan, bench.graph.summary(), point), "sensitivity", progressDone, total);
        if (config.sensitivityAllButOne)
            e.allButThis = bench.outputsOf(allButPoint(plan, bench.graph.summary(), point), "sensitivity",
                                           progressDone, total);
        e.drop = floatHeadline - headlineMetric(e.onlyThis, result.hasLabels);
        result.sensitivity.push_back(std::move(e));
    }
    std::stable_sort(result.sensitivity.begin(), result.sensitivity.end(),
                     [](const auto& a, const auto& b) { return a.drop > b.drop; });

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

std::vector<SweepRow> runSweep(const CalibrationConfig& calibrationConfig, const EvaluationConfig& evaluation,
                               const std::vector<double>& percentiles, const std::vector<int>& bins,
                               const ProgressCallback& progress)
{
    std::vector<SweepRow> rows;
    std::unique_ptr<Bench> bench;
    CalibrationResult calibration;
    const int64_t cells = int64_t(percentiles.size() * bins.size());
    int64_t done = 0, total = 0;
    for (int b : bins) {
        CalibrationConfig config = calibrationConfig;
        config.activation.name = "percentile";
        config.activation.params = {{"bins", double(b)}};
        config.overrides.clear();
        config.compareObservers = false;
        calibration = runCalibration(config, progress);
        if (!bench) {
            bench = std::make_unique<Bench>(calibration, evaluation, progress);
            bench->openData();
            bench->computeReference();
            total = cells * bench->batches;
        }
        for (double p : percentiles) {
            for (const auto& point : calibration.points)
                if (retunePoint(calibration, point.name, {{"percentile", p}}) != RetuneOutcome::Recomputed)
                    throw CalibError("sweep", "percentile " + std::to_string(p) + " could not be applied to "
                                                  + point.name);
            rows.push_back({p, b, bench->outputsOf(planFromCalibration(calibration), "sweep", done, total)});
        }
    }
    const bool labels = bench && bench->data->hasLabels();
    std::stable_sort(rows.begin(), rows.end(), [labels](const SweepRow& a, const SweepRow& b) {
        return headlineMetric(a.metrics, labels) > headlineMetric(b.metrics, labels);
    });
    return rows;
}

} // namespace cs

#include "core/calibration.h"

#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"
#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/model/loop_warnings.h"
#include "core/platform/find_by_p.h"
#include "core/platform/logging.h"
#include "core/model/model_graph.h"
#include "core/session/observer_bank.h"
#include "core/observers/mse_search.h"
#include "core/observers/observer_registry.h"

#include <chrono>
#include <stdexcept>

namespace cs {

namespace {

std::unique_ptr<obs::Observer> makeObserver(const ObserverConfig& config, const std::string& where)
{
    try {
        return obs::createObserver(config.name, config.params, config.spec);
    } catch (const std::invalid_argument& e) {
        throw CalibError(where, e.what());
    }
}

// Feeds each tapped tensor to the point's statistics and observers.
class CalibrationHandler final : public TapHandler {
public:
    struct Slot {
        PointStatisticsCollector stats;
        ObserverBank::Point* observers = nullptr;
        explicit Slot(int bins) : stats(bins, bins) {}
    };
    std::vector<Slot> slots;

    // The statistics pass of a point runs beside the rest of the forward (BENCHMARKS.md).
    bool observesOffThread() const override { return true; }

    void observe(int point, const obs::TensorView& x) override
    {
        Slot& slot = slots[size_t(point)];
        slot.stats.add(x.data, x.shape);
        if (slot.observers->compare.empty()) {
            slot.observers->configured->observe(x);
            return;
        }
        // Every observer starts with the same NaN/Inf count and min/max pass: run it once.
        const obs::Observer::Scan scan = obs::Observer::scan(x);
        // x stays as it is until this call returns: the error searches may share one histogram.
        const obs::SharedErrorHistogramScope sharedHistogram(x.data, x.numel());
        slot.observers->configured->observe(x, scan);
        for (auto& [name, observer] : slot.observers->compare)
            observer->observe(x, scan);
    }
};

int64_t plannedBatches(int64_t samples, int batchSize, int numBatches)
{
    const int64_t all = (samples + batchSize - 1) / batchSize;
    return numBatches < 0 ? all : std::min<int64_t>(all, numBatches);
}

std::string nonFiniteWarning(const std::string& point, const PointStatistics& stats)
{
    std::string batches;
    for (size_t b = 0; b < stats.batches.size(); ++b)
        if (stats.batches[b].nan || stats.batches[b].inf)
            batches += (batches.empty() ? "" : ", ") + std::to_string(b);
    return point + ": " + std::to_string(stats.nan) + " NaN and " + std::to_string(stats.inf)
           + " Inf values (batches " + batches + "); they are left out of every statistic";
}

std::string noDataWarning(const std::string& point)
{
    return point + ": no data (no calibration batch ran it; its branch was not taken): it stays in float";
}

} // namespace

ObserverConfig defaultActivationConfig()
{
    ObserverConfig c;
    c.name = "min_max";
    c.spec.dtype = obs::DType::QInt8;
    c.spec.qscheme = obs::QScheme::PerTensorSymmetric;
    return c;
}

ObserverConfig defaultWeightConfig()
{
    ObserverConfig c;
    c.name = "min_max";
    c.spec.dtype = obs::DType::QInt8;
    c.spec.qscheme = obs::QScheme::PerChannelSymmetric;
    c.spec.chAxis = 0;
    return c;
}

const PointCalibration* CalibrationResult::point(const std::string& name) const
{
    return detail::findBy(points, &PointCalibration::name, name);
}

ObserverBank ObserverBank::clone() const
{
    ObserverBank copy;
    for (const auto& [name, point] : points) {
        Point& p = copy.points[name];
        p.configured = point.configured ? point.configured->clone() : nullptr;
        p.compareSpec = point.compareSpec;
        p.savedCompare = point.savedCompare;
        for (const auto& [observer, o] : point.compare)
            p.compare[observer] = o->clone();
    }
    return copy;
}

void ObserverBank::Point::restoreCompare()
{
    if (!savedCompare)
        return;
    std::map<std::string, std::unique_ptr<obs::Observer>> restored = savedCompare->restore();
    for (auto& [name, observer] : restored)
        compare.emplace(name, std::move(observer));
    savedCompare.reset();
}

CalibrationResult runCalibration(const CalibrationConfig& config, const ProgressCallback& progress,
                                 ObserverBank* bankOut)
{
    if (config.batchSize <= 0)
        throw CalibError("calibration", "batch size must be positive");
    const auto started = std::chrono::steady_clock::now();
    setComputeThreads(config.threads);

    ModelGraph graph(config.modelPath, config.mode);
    const std::unique_ptr<DatasetSource> dataset = openDataset(config.data, progress);
    std::vector<int64_t> inputShape = graph.metadataInputShape();
    checkSampleShape(inputShape, dataset->sampleShape());
    inputShape = dataset->sampleShape();
    inputShape.insert(inputShape.begin(), 1);
    graph.inferShapes(inputShape);

    CalibrationResult result;
    result.config = config;
    result.model = graph.summary();
    for (const auto& w : dataset->warnings())
        result.warnings.push_back(w);
    for (const auto& w : loopWarnings(graph))
        result.warnings.push_back(w);

    InstrumentedModel model(graph, config.parameters);
    ObserverBank bank;
    CalibrationHandler handler;
    handler.slots.reserve(model.points().size());
    for (const TapPoint& tap : model.points()) {
        auto it = config.overrides.find(tap.name);
        const ObserverConfig& pointConfig = it == config.overrides.end() ? config.activation : it->second;
        // The quantized model applies one scale per activation: a per-channel activation
        // configuration, from any entry point, would silently use channel 0's for all.
        if (pointConfig.spec.perChannel())
            throw CalibError("point " + tap.name, obs::toString(pointConfig.spec.qscheme)
                                                      + " is not supported for activations; use per_tensor_symmetric "
                                                        "or per_tensor_affine");
        ObserverBank::Point& observers = bank.points[tap.name];
        observers.configured = makeObserver(pointConfig, "point " + tap.name);
        observers.compareSpec = pointConfig.spec;
        if (config.compareObservers)
            for (const std::string& name : obs::observerNames()) {
                ObserverConfig defaults = pointConfig;
                defaults.name = name;
                defaults.params.clear();
                // weight_mse searches weight clips: on an activation it repeats mse's search
                // at its cost, so the comparison leaves it out.
                if (name == "weight_mse")
                    continue;
                // A user-set range joins the comparison only with the user's own parameters.
                if (obs::rangeSetByUser(name)) {
                    if (pointConfig.name != name || pointConfig.params.empty())
                        continue;
                    defaults.params = pointConfig.params;
                }
                // An observer that cannot serve this point's grid is left out of the
                // comparison rather than failing the whole run.
                if (obs::validateParams(name, {}, defaults.spec).empty())
                    observers.compare[name] = makeObserver(defaults, "point " + tap.name);
            }
        handler.slots.emplace_back(config.histogramBins);
        handler.slots.back().observers = &observers;
    }
    for (const auto& [name, unused] : config.overrides)
        if (!bank.points.count(name))
            result.warnings.push_back("override for '" + name + "' matches no quantization point");
    for (const auto& [name, unused] : config.weightOverrides) {
        const OpInfo* op = result.model.find(name);
        if (!op || !op->hasWeightPoint())
            result.warnings.push_back("weight override for '" + name + "' matches no conv/linear op");
    }

    const int64_t total = plannedBatches(dataset->size(), config.batchSize, config.numBatches);
    BatchPrefetcher prefetcher(*dataset, config.batchSize, total);
    int64_t done = 0;
    while (auto batch = prefetcher.next()) {
        model.forward(batch->data.data(), batch->shape, handler, TapMode::Observe);
        ++done;
        result.images += batch->shape.empty() ? 0 : batch->shape.front();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (progress && !progress(ProgressInfo{"calibrating", done, total,
                                               seconds > 0 ? double(result.images) / seconds : 0.0, {}})) {
            prefetcher.cancel();
            throw JobCancelled();
        }
    }
    result.batches = int(done);

    for (size_t i = 0; i < model.points().size(); ++i) {
        const TapPoint& tap = model.points()[i];
        PointCalibration p;
        p.name = tap.name;
        p.opIndex = tap.opIndex;
        auto it = config.overrides.find(tap.name);
        p.config = it == config.overrides.end() ? config.activation : it->second;
        const ObserverBank::Point& observers = bank.points[tap.name];
        p.result = observers.configured->result();
        for (const auto& [name, observer] : observers.compare)
            p.compare[name] = observer->result();
        p.stats = handler.slots[i].stats.result();
        if (p.stats.batches.empty()) {
            // An op inside a branch that no calibration batch took: nothing to quantize with.
            result.warnings.push_back(noDataWarning(p.name));
            logWarning(result.warnings.back());
        } else if (p.stats.nan || p.stats.inf) {
            result.warnings.push_back(nonFiniteWarning(p.name, p.stats));
            logWarning(result.warnings.back());
        }
        result.points.push_back(std::move(p));
    }

    const bool fold = config.mode == PointMode::Deployment;
    for (const WeightTensor& w : model.weights(fold)) {
        WeightCalibration wc;
        wc.name = w.opName;
        wc.opIndex = w.opIndex;
        auto weightOverride = config.weightOverrides.find(w.opName);
        wc.config = weightOverride == config.weightOverrides.end() ? config.weight : weightOverride->second;
        wc.shape = w.shape;
        wc.folded = channelRanges(w.data, w.shape);
        wc.unfolded = channelRanges(w.unfolded, w.shape);
        wc.foldedBatchNorm = w.foldedBatchNorm;
        if (wc.config.spec.perChannel() && (wc.config.spec.chAxis < 0 || size_t(wc.config.spec.chAxis) >= w.shape.size()))
            throw CalibError("weight of " + w.opName, "ch_axis " + std::to_string(wc.config.spec.chAxis) + " is not an axis of its "
                                                          + std::to_string(w.shape.size()) + "-D weight");
        auto observer = makeObserver(wc.config, "weight of " + w.opName);
        observer->observe(obs::TensorView(w.data.data(), w.shape));
        wc.result = observer->result();
        result.weights.push_back(std::move(wc));
    }

    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.imagesPerSecond = result.seconds > 0 ? double(result.images) / result.seconds : 0.0;
    if (bankOut)
        *bankOut = std::move(bank);
    logInfo("Calibrated " + std::to_string(result.points.size()) + " points on " + std::to_string(result.images)
            + " images in " + std::to_string(result.seconds) + " s");
    return result;
}

RetuneOutcome retunePoint(CalibrationResult& result, ObserverBank& bank, const std::string& pointName,
                          const obs::ParamMap& changes)
{
    auto it = bank.points.find(pointName);
    if (it == bank.points.end() || !it->second.configured)
        return RetuneOutcome::NoObserver;
    obs::Observer& observer = *it->second.configured;
    if (!observer.retune(changes))
        return RetuneOutcome::NeedsData;
    for (auto& p : result.points) {
        if (p.name != pointName)
            continue;
        for (const auto& [key, value] : changes)
            p.config.params[key] = value;
        p.result = observer.result();
    }
    return RetuneOutcome::Recomputed;
}

bool operator==(const ObserverConfig& a, const ObserverConfig& b)
{
    const auto& x = a.spec;
    const auto& y = b.spec;
    return a.name == b.name && a.params == b.params && a.keepFloat == b.keepFloat && x.dtype == y.dtype
           && x.qscheme == y.qscheme && x.narrowRange == y.narrowRange && x.reduceRange == y.reduceRange
           && x.powerOfTwo == y.powerOfTwo && x.chAxis == y.chAxis && x.quantMin == y.quantMin
           && x.quantMax == y.quantMax;
}

RetuneOutcome applyPointConfig(CalibrationResult& result, ObserverBank& bank, const std::string& pointName,
                               const ObserverConfig& config)
{
    PointCalibration* point = nullptr;
    for (auto& p : result.points)
        if (p.name == pointName)
            point = &p;
    if (!point)
        return RetuneOutcome::NoObserver;
    ObserverConfig wanted = config;
    wanted.keepFloat = point->config.keepFloat;
    if (wanted == point->config) {
        point->config.keepFloat = config.keepFloat;
        return RetuneOutcome::Recomputed;
    }
    if (!bank.points.count(pointName))
        return RetuneOutcome::NeedsData;
    ObserverBank::Point& observers = bank.points[pointName];
    const bool sameGrid = ObserverConfig{config.name, {}, config.spec, false}
                          == ObserverConfig{config.name, {}, point->config.spec, false};

    std::unique_ptr<obs::Observer> candidate;
    obs::ParamMap changes;
    if (sameGrid && config.name == point->config.name) {
        candidate = observers.configured->clone();
        for (const auto& [key, value] : config.params)
            if (!point->config.params.count(key) || point->config.params.at(key) != value)
                changes[key] = value;
        for (const auto& [key, value] : point->config.params)
            if (!config.params.count(key)) // back to the default
                changes[key] = obs::findObserver(config.name)->param(key)->defaultValue;
    } else {
        const ObserverConfig compareGrid{config.name, {}, observers.compareSpec, false};
        try {
            observers.restoreCompare();
        } catch (const std::invalid_argument& e) {
            throw CalibError("point " + pointName, std::string("the session's compare observers cannot be restored (")
                                                       + e.what() + "); calibrate again to switch observers");
        }
        auto it = observers.compare.find(config.name);
        if (it != observers.compare.end() && ObserverConfig{config.name, {}, config.spec, false} == compareGrid) {
            candidate = it->second->clone();
            changes = config.params;
        } else if (obs::needsNoStatistics(config.name)) {
            // The parameters alone give the result (a dragged clip range, a fixed scale):
            // served at once on any grid, although compare mode leaves it out by default.
            candidate = makeObserver(config, "point " + pointName);
        } else {
            return RetuneOutcome::NeedsData;
        }
    }
    try {
        if (!changes.empty() && !candidate->retune(changes))
            return RetuneOutcome::NeedsData;
    } catch (const std::invalid_argument& e) {
        throw CalibError("point " + pointName, e.what());
    }
    observers.configured = std::move(candidate);
    point->config = config;
    point->result = observers.configured->result();
    return RetuneOutcome::Recomputed;
}

std::map<std::string, ObserverConfig> currentOverrides(const CalibrationResult& result)
{
    std::map<std::string, ObserverConfig> overrides;
    for (const auto& p : result.points)
        if (p.config != result.config.activation)
            overrides[p.name] = p.config;
    return overrides;
}

} // namespace cs

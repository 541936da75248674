// The repair job and the TI presets.
#include "core/repair/repair.h"

#include "core/errors.h"
#include "core/model/model_graph.h"
#include "core/platform/logging.h"
#include "core/observers/observer_registry.h"
#include "core/quant_plan.h"
#include "core/repair/plan_search.h"
#include "core/repair/repair_p.h"

#include <chrono>
#include <optional>

namespace cs {

namespace {

ObserverConfig tiConfig(const std::string& observer, obs::QScheme scheme, int chAxis = -1)
{
    ObserverConfig c;
    c.name = observer;
    c.spec.dtype = obs::DType::QInt8;
    c.spec.qscheme = scheme;
    c.spec.powerOfTwo = true;
    c.spec.chAxis = chAxis;
    return c;
}

// Depthwise convs of the model: groups == output channels, one input channel per group.
std::vector<std::string> depthwiseConvs(const CalibrationConfig& config)
{
    std::vector<std::string> names;
    repair::LoadedModel loaded = repair::loadModel(config, false, {});
    for (const WeightTensor& w : repair::effectiveLayers(*loaded.graph, {}))
        if (repair::isDepthwise(*loaded.graph, w))
            names.push_back(w.opName);
    return names;
}

} // namespace

std::vector<std::string> presetNames() { return {"ti-simple", "ti-advanced", "ti-advanced-dw"}; }

std::string presetDescription(const std::string& name)
{
    if (name == "ti-simple")
        return "TI Simple Calib: pact2 ranges from min/max, power-of-two scales, per-tensor weights";
    if (name == "ti-advanced")
        return "TI Advanced Calib: pact2 histogram ranges, power-of-two scales, per-tensor weights, TI weight "
               "clipping, TI per-batch bias correction";
    if (name == "ti-advanced-dw")
        return "TI Advanced DW Calib: ti-advanced with per-channel weights for depthwise convs, no channel's scale "
               "below the per-tensor scale / 256";
    return {};
}

void applyPreset(const std::string& name, CalibrationConfig& config, RepairOptions& options)
{
    if (presetDescription(name).empty())
        throw CalibError("preset " + name, "unknown preset (ti-simple, ti-advanced, ti-advanced-dw)");
    config.activation = tiConfig("pact2", obs::QScheme::PerTensorSymmetric);
    if (name == "ti-simple")
        config.activation.params["range_shrink_activations"] = 0.0; // plain min/max ranges
    config.weight = tiConfig("min_max", obs::QScheme::PerTensorSymmetric);
    config.overrides.clear();
    config.weightOverrides.clear();
    if (name == "ti-simple")
        return;
    options.weightClipping = true;
    options.biasCorrection = true;
    options.bias.flavour = BiasCorrectionFlavour::TiPerBatch;
    if (name == "ti-advanced-dw")
        for (const std::string& op : depthwiseConvs(config))
            config.weightOverrides[op] = tiConfig("min_max", obs::QScheme::PerChannelSymmetric, 0);
}

namespace {

// Every weight gets `observer` on its own grid (the default and the per-op ones).
RepairRecord setWeightObserver(const std::string& observer, CalibrationConfig& config)
{
    auto set = [&](ObserverConfig& c, const std::string& what) {
        c.name = observer;
        c.params.clear();
        const std::string error = obs::validateParams(observer, {}, c.spec);
        if (!error.empty())
            throw CalibError("weight observer for " + what, error);
    };
    set(config.weight, "the weights");
    for (auto& [op, c] : config.weightOverrides)
        set(c, op);
    RepairRecord r{"weight_observer", {{"name", observer}}, {}};
    r.notes.push_back("every conv/linear weight: " + observer + " (" + std::to_string(config.weightOverrides.size())
                      + " per-op weight configurations kept their grids)");
    return r;
}

} // namespace

CalibrationResult runRepairs(const CalibrationResult& session, const CalibrationConfig& configIn,
                             const RepairOptions& optionsIn, const ProgressCallback& progress, ObserverBank* bankOut,
                             std::vector<RepairStep>* steps)
{
    const auto started = std::chrono::steady_clock::now();
    CalibrationConfig config = configIn;
    RepairOptions options = optionsIn;
    std::vector<RepairRecord> records = session.repairs;
    if (!options.preset.empty()) {
        applyPreset(options.preset, config, options);
        records.push_back({"preset", {{"name", options.preset}}, {presetDescription(options.preset)}});
    }
    if (!options.weightObserver.empty())
        records.push_back(setWeightObserver(options.weightObserver, config));
    if (!options.biasCorrection && !options.weightClipping && !options.equalize && options.preset.empty()
        && options.weightObserver.empty() && !options.planSearch)
        throw CalibError("repair", "no repair chosen (bias correction, weight clipping, equalization, a weight "
                                   "observer, the plan search or a preset)");
    setComputeThreads(config.threads);
    const RepairContext context{config, progress};
    LayerParameterMap parameters = config.parameters;

    // ti-advanced-dw bounds the depthwise scales of every calibration the repairs measure with.
    const bool depthwiseFloor = options.preset == "ti-advanced-dw";
    RepairRecord floorRecord;
    auto calibrate = [&](ObserverBank* bank) {
        CalibrationResult r = runCalibration(config, progress, bank);
        if (depthwiseFloor)
            floorRecord = capDepthwiseScales(r);
        return r;
    };

    // The steps' plans: the records since the last step with the calibration they left.
    size_t recorded = session.repairs.size();
    const auto stepDone = [&](const CalibrationResult& state) {
        if (!steps || recorded == records.size())
            return;
        RepairStep step;
        for (size_t k = recorded; k < records.size(); ++k)
            step.records.push_back(records[k].name);
        step.plan = planFromCalibration(state);
        steps->push_back(std::move(step));
        recorded = records.size();
    };
    // The calibration of the parameters as they are now, when one was made for a step.
    std::optional<CalibrationResult> current;
    const auto measureStep = [&] {
        if (!steps || recorded == records.size())
            return;
        config.parameters = parameters;
        current = calibrate(nullptr);
        stepDone(*current);
    };
    const bool biasBeforeFinal = options.biasCorrection && !options.planSearch;
    if (options.equalize || options.weightClipping || biasBeforeFinal)
        measureStep(); // the preset's and the weight observer's choices

    if (options.equalize) {
        records.push_back(equalizeLayers(context, parameters, options.equalization));
        current.reset();
        if (options.weightClipping || biasBeforeFinal)
            measureStep();
    }
    const LayerParameterMap reference = parameters; // the float model bias correction aims at
    if (options.weightClipping) {
        records.push_back(clipWeights(context, parameters, options.clipping));
        current.reset();
        if (biasBeforeFinal)
            measureStep();
    }

    config.parameters = parameters;
    if (biasBeforeFinal) {
        // Bias correction measures the quantized model: its activation ranges and weight
        // scales must be those of the parameters so far.
        const CalibrationResult intermediate = current ? std::move(*current) : calibrate(nullptr);
        records.push_back(correctBias(RepairContext{config, progress}, intermediate, reference, parameters, options.bias));
        config.parameters = parameters;
    }
    ObserverBank ownBank;
    ObserverBank& bank = bankOut ? *bankOut : ownBank;
    CalibrationResult result = calibrate(&bank);
    if (depthwiseFloor)
        records.push_back(floorRecord);

    if (options.planSearch) {
        const PlanSearchConfig s = planSearchConfig(config);
        stepDone(result); // the repairs before the search
        const PlanSearchResult search = runPlanSearch(result, s, progress);
        records.push_back(applyPlanSearch(result, bank, search));
        stepDone(result);
        if (options.biasCorrection) {
            // Corrected for the ranges the search chose (corrections made for other ranges
            // stop fitting once the search moves them), and kept only where they help: the
            // result is never worse on the search's own objective than the search alone.
            LayerParameterMap corrected = parameters;
            RepairRecord bias = correctBias(RepairContext{config, progress}, result, reference, corrected, options.bias);
            QuantPlan plan = planFromCalibration(result);
            plan.parameters = corrected;
            const double after = planOutputError(result, plan, s, progress);
            const bool kept = after <= search.outputError;
            bias.params["after"] = "plan_search";
            bias.params["kept"] = kept ? "yes" : "no";
            bias.notes.push_back("output MSE with the chosen plan " + std::to_string(search.outputError) + " -> "
                                 + std::to_string(after) + (kept ? "" : ": not kept, the plan search's parameters stay"));
            if (kept) {
                parameters = std::move(corrected);
                config.parameters = parameters;
                result.config.parameters = parameters;
            }
            records.push_back(std::move(bias));
        }
    }
    stepDone(result);
    result.repairs = std::move(records);
    result.evaluation.reset();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (const auto& r : result.repairs)
        for (const auto& n : r.notes)
            logInfo(r.name + ": " + n);
    return result;
}

} // namespace cs

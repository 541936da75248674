// The repair job: the order of the repairs and the records of what each applied.
#include "core/repair/repair_job.h"

#include "core/errors.h"
#include "core/quant_plan.h"
#include "core/repair/adaround_model.h"
#include "core/repair/plan_search.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace cs {

bool RepairJobOptions::parameterRepairs() const
{
    return repairs.biasCorrection || repairs.weightClipping || repairs.equalize || !repairs.preset.empty()
           || !repairs.weightObserver.empty();
}

bool RepairJobOptions::any() const { return parameterRepairs() || planSearch || adaround || budget; }

namespace {

std::string numberText(double value)
{
    std::ostringstream s;
    s << value;
    return s.str();
}

RepairRecord adaroundRecord(const AdaRoundModelResult& r, int iterations)
{
    RepairRecord record{"adaround", {{"iterations", std::to_string(iterations)}}, {}};
    for (const auto& [name, layer] : r.layers)
        record.notes.push_back(name + ": output MSE " + std::to_string(layer.nearestError) + " (nearest) -> "
                               + std::to_string(layer.keptNearest ? layer.nearestError : layer.adaroundError)
                               + (layer.keptNearest ? " (kept nearest)" : ""));
    for (const auto& [name, why] : r.skipped)
        record.notes.push_back(name + ": skipped, " + why);
    return record;
}

} // namespace

RepairJobResult runRepairJob(const CalibrationResult& session, ObserverBank&& sessionBank,
                             const CalibrationConfig& config, const RepairJobOptions& options,
                             const ProgressCallback& progress)
{
    if (!options.any())
        throw CalibError("repair", "no repair chosen (a preset, bias correction, weight clipping, equalization, a "
                                   "weight observer, the plan search, AdaRound or the fallback budget)");
    RepairJobResult out;
    CalibrationResult& repaired = out.result;
    ObserverBank& bank = out.bank;
    std::vector<RepairStep>* steps = options.recordSteps ? &out.steps : nullptr;
    const auto stepDone = [&](const std::string& record) {
        if (steps)
            steps->push_back({{record}, planFromCalibration(repaired)});
    };
    if (options.parameterRepairs()) {
        // The search runs inside: after the re-calibration, before the bias correction it then
        // measures with the chosen ranges.
        RepairOptions repairs = options.repairs;
        repairs.planSearch = options.planSearch;
        repaired = runRepairs(session, config, repairs, progress, &bank, steps);
    } else {
        repaired = session;
        repaired.config.modelPath = repaired.model.path = config.modelPath;
        repaired.evaluation.reset();
        bank = std::move(sessionBank);
        if (options.planSearch) {
            const PlanSearchResult r = runPlanSearch(repaired, planSearchConfig(config), progress);
            repaired.repairs.push_back(applyPlanSearch(repaired, bank, r));
            stepDone(repaired.repairs.back().name);
        }
    }
    // The weights' rounding after the activation choices (AdaRound fits each layer to its
    // quantized inputs), the fallback to float last (it measures everything).
    if (options.adaround) {
        AdaRoundModelConfig a;
        a.data = config.data;
        a.batchSize = config.batchSize;
        if (config.numBatches > 0)
            a.maxBatches = std::min(a.maxBatches, config.numBatches);
        a.threads = config.threads;
        a.layer.iterations = options.adaroundIterations;
        const AdaRoundModelResult r = runAdaRound(repaired, planFromCalibration(repaired), a, progress);
        repaired.config.parameters = r.plan.parameters;
        repaired.repairs.push_back(adaroundRecord(r, options.adaroundIterations));
        stepDone(repaired.repairs.back().name);
    }
    if (options.budget) {
        FallbackBudgetConfig f;
        f.validation = options.validation;
        f.threads = config.threads;
        f.budget = options.budgetPoints;
        std::map<std::string, ObserverConfig> configs;
        for (const auto& p : repaired.points)
            configs[p.name] = p.config;
        const FallbackBudgetResult r = runFallbackBudget(repaired, planFromCalibration(repaired), configs, f, progress);
        RepairRecord record{"fallback_budget", {{"budget", numberText(options.budgetPoints)}}, {}};
        for (const auto& name : r.fallback) {
            const ObserverConfig& c = r.configs.at(name);
            if (applyPointConfig(repaired, bank, name, c) != RetuneOutcome::Recomputed)
                throw CalibError(name, c.name + " cannot be applied without the data: calibrate with the compare "
                                                "pass and keep its observers");
            record.notes.push_back(name + ": kept float");
        }
        record.notes.push_back("top-1 " + std::to_string(r.startTop1) + " % -> " + std::to_string(r.finalTop1)
                               + " % (float " + std::to_string(r.floatTop1) + " %)");
        if (!r.met)
            repaired.warnings.push_back("the budget is not met: " + std::to_string(r.finalTop1)
                                        + " % with every point in float, target " + std::to_string(r.target) + " %");
        repaired.repairs.push_back(std::move(record));
        stepDone(repaired.repairs.back().name);
    }
    for (size_t k = session.repairs.size(); k < repaired.repairs.size(); ++k)
        out.newRepairs.push_back(repaired.repairs[k].name);
    return out;
}

} // namespace cs

#include "gui/repair_job.h"

#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/quant_plan.h"
#include "core/repair/adaround_model.h"
#include "core/repair/plan_search.h"
#include "core/repair/repair.h"
#include "widgets/repair_labels.h"

#include <QStringList>

#include <algorithm>
#include <set>

namespace cs::app {

RepairJobResult runRepairJob(const CalibrationResult& session, std::shared_ptr<ObserverBank> sessionBank,
                             const RepairRequest& request, const ProgressCallback& progress)
{
    const ui::RepairChoice& choice = request.choice;
    if (!choice.any())
        throw CalibError("repair", "no repair chosen");
    CalibrationConfig config = session.config;
    if (choice.batches != 0)
        config.numBatches = choice.batches;

    RepairOptions options;
    options.preset = choice.preset;
    options.biasCorrection = choice.biasCorrection;
    options.bias.flavour = choice.tiBiasFlavour ? BiasCorrectionFlavour::TiPerBatch : BiasCorrectionFlavour::Empirical;
    options.weightClipping = choice.weightClipping;
    options.equalize = choice.equalize;
    options.equalization.absorbHighBias = choice.absorbHighBias;
    const bool parameterRepairs =
        options.biasCorrection || options.weightClipping || options.equalize || !options.preset.empty();

    RepairJobResult out;
    out.bank = std::make_shared<ObserverBank>();
    CalibrationResult& repaired = out.result;
    if (parameterRepairs) {
        repaired = runRepairs(session, config, options, progress, out.bank.get());
    } else {
        repaired = session;
        repaired.evaluation.reset();
        *out.bank = std::move(*sessionBank);
    }
    ObserverBank& bank = *out.bank;
    // A point's new configuration, applied as an edit is.
    const auto apply = [&](const std::string& point, const ObserverConfig& c) {
        if (applyPointConfig(repaired, bank, point, c) != RetuneOutcome::Recomputed)
            throw CalibError(point, c.name + " cannot be applied without the data: calibrate again (the compare "
                                             "pass keeps every observer)");
    };
    // The activation choices first (AdaRound fits each layer to its quantized inputs), the
    // weights' rounding next, the fallback to float last (it measures everything).
    if (choice.planSearch) {
        PlanSearchConfig s;
        s.data = config.data;
        s.batchSize = config.batchSize;
        s.maxBatches = config.numBatches;
        s.threads = config.threads;
        const PlanSearchResult r = runPlanSearch(repaired, s, progress);
        RepairRecord record{"plan_search", {{"metric", "output_mse"}, {"images", std::to_string(r.images)}}, {}};
        for (const auto& [point, c] : r.configs) {
            const PointCalibration* p = repaired.point(point);
            if (!p || p->config == c)
                continue;
            apply(point, c);
            record.notes.push_back(point + ": " + c.name);
        }
        record.notes.push_back("output MSE " + std::to_string(r.startError) + " (" + r.start + " everywhere) -> "
                               + std::to_string(r.outputError));
        repaired.repairs.push_back(std::move(record));
    }
    if (choice.adaround) {
        AdaRoundModelConfig a;
        a.data = config.data;
        a.batchSize = config.batchSize;
        if (config.numBatches > 0)
            a.maxBatches = std::min(a.maxBatches, config.numBatches);
        a.threads = config.threads;
        a.layer.iterations = choice.adaroundIterations;
        const AdaRoundModelResult r = runAdaRound(repaired, planFromCalibration(repaired), a, progress);
        repaired.config.parameters = r.plan.parameters;
        RepairRecord record{"adaround", {{"iterations", std::to_string(choice.adaroundIterations)}}, {}};
        for (const auto& [name, layer] : r.layers)
            record.notes.push_back(name + ": output MSE " + std::to_string(layer.nearestError) + " (nearest) -> "
                                   + std::to_string(layer.keptNearest ? layer.nearestError : layer.adaroundError)
                                   + (layer.keptNearest ? " (kept nearest)" : ""));
        for (const auto& [name, why] : r.skipped)
            record.notes.push_back(name + ": skipped, " + why);
        repaired.repairs.push_back(std::move(record));
    }
    if (choice.budget) {
        FallbackBudgetConfig f;
        f.validation = request.validation;
        f.threads = config.threads;
        f.budget = choice.budgetPoints;
        std::map<std::string, ObserverConfig> configs;
        for (const auto& p : repaired.points)
            configs[p.name] = p.config;
        const FallbackBudgetResult r = runFallbackBudget(repaired, planFromCalibration(repaired), configs, f, progress);
        RepairRecord record{"fallback_budget", {{"budget", QString::number(choice.budgetPoints).toStdString()}}, {}};
        for (const auto& name : r.fallback) {
            apply(name, r.configs.at(name));
            record.notes.push_back(name + ": kept float");
        }
        record.notes.push_back("top-1 " + std::to_string(r.startTop1) + " % -> " + std::to_string(r.finalTop1)
                               + " % (float " + std::to_string(r.floatTop1) + " %)");
        if (!r.met)
            repaired.warnings.push_back("the budget is not met: " + std::to_string(r.finalTop1)
                                        + " % with every point in float, target " + std::to_string(r.target) + " %");
        repaired.repairs.push_back(std::move(record));
    }
    for (size_t k = session.repairs.size(); k < repaired.repairs.size(); ++k)
        out.newRepairs.push_back(repaired.repairs[k].name);
    out.changes = std::make_shared<const ui::WeightRepairChanges>(
        weightChanges(config, session.config.parameters, repaired.config.parameters));
    return out;
}

ui::WeightRepairChanges weightChanges(const CalibrationConfig& config, const LayerParameterMap& before,
                                      const LayerParameterMap& after)
{
    std::set<std::string> changed;
    for (const auto& [name, p] : after) {
        const auto b = before.find(name);
        if (b == before.end() || b->second != p)
            changed.insert(name);
    }
    for (const auto& [name, p] : before)
        if (!after.count(name))
            changed.insert(name);
    ui::WeightRepairChanges out;
    if (changed.empty())
        return out;
    const ModelGraph graph(config.modelPath, config.mode);
    const bool fold = config.mode == PointMode::Deployment;
    const std::vector<WeightTensor> weightsBefore = InstrumentedModel(graph, before).weights(fold);
    const std::vector<WeightTensor> weightsAfter = InstrumentedModel(graph, after).weights(fold);
    for (const WeightTensor& a : weightsAfter) {
        if (!changed.count(a.opName))
            continue;
        const auto b = std::find_if(weightsBefore.begin(), weightsBefore.end(),
                                    [&](const WeightTensor& w) { return w.opName == a.opName; });
        if (b == weightsBefore.end())
            continue;
        out[a.opName] = ui::makeWeightRepairChange(a.opName, b->data, b->bias, a.data, a.bias);
    }
    return out;
}

QString repairNamesText(const std::vector<std::string>& records)
{
    QStringList names;
    for (const auto& r : records)
        names << ui::repairDisplayName(r);
    return names.join(ui::RepairText::tr(", "));
}

} // namespace cs::app

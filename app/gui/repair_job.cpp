#include "gui/repair_job.h"

#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/repair/repair_job.h"
#include "widgets/repair_labels.h"

#include <QStringList>

#include <algorithm>
#include <set>

namespace cs::app {

RepairJobResult runRepairJob(const CalibrationResult& session, std::shared_ptr<ObserverBank> sessionBank,
                             const RepairRequest& request, const ProgressCallback& progress)
{
    const ui::RepairChoice& choice = request.choice;
    CalibrationConfig config = session.config;
    if (choice.batches != 0)
        config.numBatches = choice.batches;

    RepairJobOptions options;
    options.repairs.preset = choice.preset;
    options.repairs.biasCorrection = choice.biasCorrection;
    options.repairs.bias.flavour =
        choice.tiBiasFlavour ? BiasCorrectionFlavour::TiPerBatch : BiasCorrectionFlavour::Empirical;
    options.repairs.weightClipping = choice.weightClipping;
    options.repairs.equalize = choice.equalize;
    options.repairs.equalization.absorbHighBias = choice.absorbHighBias;
    options.planSearch = choice.planSearch;
    options.adaround = choice.adaround;
    options.adaroundIterations = choice.adaroundIterations;
    options.budget = choice.budget;
    options.budgetPoints = choice.budgetPoints;
    options.validation = request.validation;
    options.recordSteps = true; // a before/after accuracy row for each repair

    cs::RepairJobResult job = cs::runRepairJob(session, std::move(*sessionBank), config, options, progress);
    RepairJobResult out;
    out.result = std::move(job.result);
    out.bank = std::make_shared<ObserverBank>(std::move(job.bank));
    out.newRepairs = std::move(job.newRepairs);
    out.steps = std::move(job.steps);
    out.changes = std::make_shared<const ui::WeightRepairChanges>(
        weightChanges(config, session.config.parameters, out.result.config.parameters));
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

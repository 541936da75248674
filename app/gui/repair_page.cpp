#include "gui/repair_page.h"

#include "core/evaluation.h"
#include "core/platform/logging.h"
#include "core/repair/repair.h"
#include "gui/analysis_page.h"
#include "gui/calibration_document.h"
#include "gui/repair_commands.h"
#include "gui/repair_job.h"
#include "widgets/job_progress.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"
#include "widgets/repair_labels.h"
#include "widgets/repair_panel.h"
#include "widgets/repair_records_model.h"
#include "widgets/weights_view.h"

#include <QStringList>
#include <QTabWidget>
#include <QUndoStack>

namespace cs::app {

RepairPage::RepairPage(CalibrationDocument* document, AnalysisPage* analysis, const Views& views, QObject* parent)
    : QObject(parent), m_document(document), m_analysis(analysis), m_views(views)
{
    m_runner.setParent(this);
    m_compare.setParent(this);
    m_reopened.setParent(this);
    m_panel = new ui::RepairPanel(views.tableTabs);
    m_panel->setObjectName(QStringLiteral("repairPanel"));
    QStringList names, descriptions;
    for (const std::string& name : presetNames()) {
        names << QString::fromStdString(name);
        descriptions << QString::fromStdString(presetDescription(name));
    }
    m_panel->setPresets(names, descriptions);
    views.tableTabs->addTab(m_panel, tr("Repair"));

    connect(m_panel, &ui::RepairPanel::runRequested, this, &RepairPage::run);
    connect(m_panel, &ui::RepairPanel::cancelRequested, this, &RepairPage::cancel);
    connect(&m_runner, &JobRunner::runningChanged, this, [this](bool running) {
        m_panel->setRunning(running);
        if (!running)
            m_views.jobProgress->finish();
        Q_EMIT runningChanged(running);
    });
    connect(&m_runner, &JobRunner::progressChanged, this, [this](const JobProgressInfo& p) {
        const QString text = p.total > 0 ? tr("%1: %2 of %3").arg(p.stage).arg(p.done).arg(p.total) : p.stage;
        m_panel->setProgress(text, p.done, p.total);
        m_views.jobProgress->setProgress(p.stage, p.done, p.total, p.itemsPerSecond, p.etaSeconds);
    });
    connect(&m_runner, &JobRunner::failed, this, [this](const QString& message) {
        m_panel->setProgress(tr("Repair failed; the calibration is unchanged"), 0, 1);
        Q_EMIT errorOccurred(tr("Repair failed: %1").arg(message));
    });
    connect(&m_runner, &JobRunner::cancelled, this, [this] {
        m_panel->setProgress(tr("Repair cancelled; the calibration is unchanged"), 0, 1);
        Q_EMIT statusMessage(tr("Repair cancelled"), 5000);
    });
    connect(&m_compare, &JobRunner::failed, this, [](const QString& message) {
        logWarning("Evaluating the plan before the repair failed: " + message.toStdString());
    });
    connect(&m_reopened, &JobRunner::failed, this, [](const QString& message) {
        logWarning("Comparing the repaired weights with the model's failed: " + message.toStdString());
    });

    // Anything that changes the plan while a repair runs makes its result stale.
    const auto planChanged = [this] { m_planChangedWhileRunning = true; };
    connect(m_document, &CalibrationDocument::pointsChanged, this, planChanged);
    connect(m_document, &CalibrationDocument::pendingChanged, this, planChanged);
    connect(m_document, &CalibrationDocument::resultReplaced, this, [this] {
        m_planChangedWhileRunning = true;
        refresh();
    });
    connect(m_document, &CalibrationDocument::evaluationChanged, this, &RepairPage::updateBudget);
    connect(m_analysis, &AnalysisPage::evaluationFinished, this, &RepairPage::compareWithBefore);
    connect(m_views.pointTable, &ui::PointTableView::currentPointChanged, this, &RepairPage::updateWeights);
    refresh();
}

RepairPage::~RepairPage() { shutdown(); }

void RepairPage::shutdown()
{
    m_runner.shutdown();
    m_compare.shutdown();
    m_reopened.shutdown();
}

void RepairPage::cancel() { m_runner.cancel(); }

void RepairPage::setRepairable(bool repairable) { m_panel->setRepairable(repairable); }

void RepairPage::showPage() { m_views.tableTabs->setCurrentWidget(m_panel); }

bool RepairPage::run()
{
    if (!m_document->hasResult()) {
        Q_EMIT errorOccurred(tr("Repairs need a calibration: calibrate or open a session first."));
        return false;
    }
    if (m_document->hasPending()) {
        Q_EMIT errorOccurred(tr("Some edits wait for a re-run of the calibration: repair once it is done."));
        return false;
    }
    RepairRequest request;
    request.choice = m_panel->choice();
    if (!request.choice.any() || m_runner.isRunning())
        return false;
    if (request.choice.budget)
        if (const auto e = m_document->evaluation())
            request.validation = e->data;
    // The worker's own copies: the user keeps working on the live calibration meanwhile.
    auto session = std::make_shared<const CalibrationResult>(*m_document->result());
    auto bank = std::make_shared<ObserverBank>(m_document->bank().clone());
    m_runDocument = m_document->documentId();
    m_planChangedWhileRunning = false;
    m_views.jobProgress->start(tr("Repairing"));
    const quint64 id = m_runner.start(
        [session, bank, request](const ProgressCallback& progress) {
            return runRepairJob(*session, bank, request, progress);
        },
        [this](RepairJobResult result) { applyResult(result); }, tr("Repair"));
    return id != 0;
}

void RepairPage::applyResult(RepairJobResult& result)
{
    if (m_runDocument != m_document->documentId() || !m_document->hasResult())
        return; // repaired another calibration than the one open now
    if (m_planChangedWhileRunning) {
        m_panel->setProgress(tr("The plan changed while repairing: run the repairs again"), 0, 1);
        Q_EMIT statusMessage(tr("The plan changed while repairing: run the repairs again"), 10000);
        return;
    }
    for (const auto& warning : result.result.warnings)
        logWarning(warning);
    const QString label = tr("Repair: %1").arg(repairNamesText(result.newRepairs));
    m_document->undoStack()->push(new RepairCommand(m_document, *m_document->result(), m_document->bank().clone(),
                                                    std::move(result.result), std::move(*result.bank),
                                                    result.newRepairs, std::move(result.steps),
                                                    result.changes, label));
    m_panel->setProgress(tr("Repaired: %1").arg(repairNamesText(result.newRepairs)), 1, 1);
    Q_EMIT statusMessage(label, 10000);
    Q_EMIT repairApplied();
}

void RepairPage::compareWithBefore()
{
    const auto evaluation = m_document->evaluation();
    if (!evaluation || !m_document->isEvaluationCurrent() || evaluation->accuracy.empty())
        return;
    for (const auto& row : evaluation->accuracy)
        if (ui::isRepairRow(row.label))
            return;
    const RepairCommand* last = RepairCommand::lastApplied(m_document->undoStack());
    if (!last)
        return;
    // The evaluation's data and batches, only its plan row.
    EvaluationConfig config;
    config.data = evaluation->data;
    config.batchSize = AnalysisPage::kEvaluationBatchSize;
    config.maxBatches = evaluation->maxBatches;
    config.accuracyTable = false;
    config.sensitivity = false;
    config.autoPlan = false;
    // The plan before the repair, then the plan after each step but the last (the repaired
    // plan is the evaluation's own plan row), each on the data the evaluation used.
    std::vector<std::pair<std::string, EvaluationInput>> rows{
        {ui::kBeforeRepairRow, evaluationInput(last->before(), config)}};
    const std::vector<RepairStep>& steps = last->steps();
    if (steps.size() > 1) {
        const EvaluationInput repaired = evaluationInput(*m_document->result(), config);
        for (size_t k = 0; k + 1 < steps.size(); ++k) {
            EvaluationInput input = repaired;
            input.plan = steps[k].plan;
            rows.emplace_back(ui::afterRepairRow(steps[k].records), std::move(input));
        }
    }
    const std::string after = ui::afterRepairRow(steps.empty() ? last->repairs() : steps.back().records);
    Q_EMIT statusMessage(tr("Evaluating the plan before the repair"), 5000);
    m_compare.start([rows, config](const ProgressCallback& progress) {
        std::vector<AccuracyRow> measured;
        for (const auto& [label, input] : rows)
            measured.push_back({label, runEvaluation(input, config, progress).planMetrics});
        return measured;
    },
                    [this, evaluation, after](std::vector<AccuracyRow> measured) {
                        if (m_document->evaluation() != evaluation)
                            return; // evaluated again, or undone, meanwhile
                        auto rows = std::make_shared<EvaluationResult>(*evaluation);
                        for (auto& row : measured)
                            rows->accuracy.push_back(std::move(row));
                        rows->accuracy.push_back({after, evaluation->planMetrics});
                        m_document->setEvaluation(std::move(rows));
                        Q_EMIT comparisonFinished();
                    },
                    tr("Evaluating the plan before the repair"));
}

std::shared_ptr<const ui::WeightRepairChanges> RepairPage::currentChanges() const
{
    if (const RepairCommand* last = RepairCommand::lastApplied(m_document->undoStack()))
        return last->changes();
    if (m_document->hasResult() && !m_document->result()->repairs.empty()
        && m_reopenedDocument == m_document->documentId())
        return m_reopenedChanges;
    return nullptr;
}

void RepairPage::refresh()
{
    const CalibrationResult* result = m_document->result();
    m_panel->recordsModel()->setRecords(result ? result->repairs : std::vector<RepairRecord>{});
    m_panel->setRepairable(result != nullptr);
    if (m_document->documentId() != m_shownDocument) {
        // Another calibration: its own batches, and for a session that was repaired before,
        // what its repairs did against the model's own parameters.
        m_shownDocument = m_document->documentId();
        m_compare.cancel();
        m_reopenedChanges.reset();
        m_reopenedDocument = 0;
        if (result)
            m_panel->setCalibrationBatches(result->config.numBatches);
        if (result && !result->repairs.empty() && !result->config.parameters.empty()) {
            const CalibrationConfig config = result->config;
            const quint64 document = m_document->documentId();
            m_reopened.start([config](const ProgressCallback&) {
                return std::make_shared<const ui::WeightRepairChanges>(weightChanges(config, {}, config.parameters));
            },
                             [this, document](std::shared_ptr<const ui::WeightRepairChanges> changes) {
                                 if (document != m_document->documentId())
                                     return;
                                 m_reopenedChanges = std::move(changes);
                                 m_reopenedDocument = document;
                                 updateWeights();
                             },
                             tr("Comparing the repaired weights"));
        }
    }
    updateBudget();
    updateWeights();
}

void RepairPage::updateBudget()
{
    const auto e = m_document->evaluation();
    if (e && e->hasLabels)
        m_panel->setBudgetAvailable(true);
    else
        m_panel->setBudgetAvailable(false, tr("Evaluate on labelled validation data first: the budget is measured "
                                              "on that data"));
}

void RepairPage::updateWeights()
{
    const auto changes = currentChanges();
    const ui::WeightRepairChange* change = nullptr;
    if (changes && m_document->hasResult()) {
        const int row = m_views.pointModel->rowOf(m_views.pointTable->currentPoint());
        if (const WeightCalibration* w = row >= 0 ? m_views.pointModel->weightOf(row) : nullptr) {
            const auto it = changes->find(w->name);
            if (it != changes->end())
                change = &it->second;
        }
    }
    m_views.weights->setRepairChange(change);
}

} // namespace cs::app

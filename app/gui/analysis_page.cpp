#include "gui/analysis_page.h"

#include "core/errors.h"
#include "core/evaluation.h"
#include "core/platform/logging.h"
#include "gui/calibration_document.h"
#include "gui/data_choices.h"
#include "gui/dataset_dialog.h"
#include "gui/evaluation_controller.h"
#include "widgets/accuracy_view.h"
#include "widgets/compare_view.h"
#include "widgets/error_propagation_view.h"
#include "widgets/histogram_view.h"
#include "widgets/job_progress.h"
#include "widgets/observer_heat_map.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"
#include "widgets/sensitivity_view.h"

#include <QCheckBox>
#include <QTabWidget>

#include <cmath>
#include <utility>

namespace cs::app {

AnalysisPage::AnalysisPage(CalibrationDocument* document, DataChoices* data, const Views& views, QObject* parent)
    : QObject(parent), m_document(document), m_data(data), m_views(views)
{
    m_evaluation = new EvaluationController(JobRunner::Policy::Refuse, this);
    // A newer clip range supersedes the one being measured: its numbers would be stale.
    m_measurement = new EvaluationController(JobRunner::Policy::Supersede, this);
    m_compare = new ui::CompareView(views.pointModel, views.inspectorTabs);
    views.inspectorTabs->insertTab(1, m_compare, tr("Compare observers"));
    m_heatMap = new ui::ObserverHeatMap(views.tableTabs);
    m_accuracy = new ui::AccuracyView(views.tableTabs);
    // A quick first look; the whole validation set is one click away (0 = all).
    m_accuracy->setMaxImages(2000);
    m_sensitivity = new ui::SensitivityView(views.tableTabs);
    m_propagation = new ui::ErrorPropagationView(views.tableTabs);
    views.tableTabs->addTab(m_heatMap, tr("Observer heat map"));
    views.tableTabs->addTab(m_accuracy, tr("Accuracy"));
    views.tableTabs->addTab(m_sensitivity, tr("Sensitivity"));
    views.tableTabs->addTab(m_propagation, tr("Error propagation"));
    m_coverageTimer.setSingleShot(true);
    // A frame apart: a zero-interval timer may run in the same pass over the timers as the
    // work before it, with no paint or input in between.
    m_coverageTimer.setInterval(16);
    connect(&m_coverageTimer, &QTimer::timeout, this, &AnalysisPage::refreshCoverageStep);
    connectViews();
    connectJobs();
}

AnalysisPage::~AnalysisPage() { shutdown(); }

void AnalysisPage::shutdown()
{
    m_evaluation->shutdown();
    m_measurement->shutdown();
}

void AnalysisPage::cancel() { m_evaluation->cancel(); }

bool AnalysisPage::isEvaluating() const { return m_evaluation->isRunning(); }

void AnalysisPage::connectViews()
{
    connect(m_document, &CalibrationDocument::resultReplaced, this, [this] {
        if (m_document->documentId() != m_shownDocument) {
            // Another calibration: what was measured or is being evaluated belongs to the old one.
            m_shownDocument = m_document->documentId();
            m_evaluation->cancel();
            m_measurement->cancel();
            m_evaluateAfterRerun = false;
            m_views.histogram->clearMeasuredError(m_views.histogram->measuredError().point);
        }
        m_compare->setPoint(m_views.pointTable->currentPoint());
        refreshEvaluationViews(); // the heat map too
    });
    connect(m_document, &CalibrationDocument::pointsChanged, this, [this](const QStringList& points) {
        // The heat map copies its numbers: give it the new ones (estimated in slices).
        m_heatMap->setResult(m_document->sharedResult());
        // A measured error describes the range it was measured for.
        for (const QString& point : points)
            m_views.histogram->clearMeasuredError(point);
        if (points.contains(m_compare->point()))
            m_compare->setPoint(m_compare->point());
        updateStaleness();
    });
    connect(m_document, &CalibrationDocument::evaluationChanged, this,
            [this] { refreshEvaluationViews(Coverage::Later); });
    connect(m_data, &DataChoices::validationChanged, this, &AnalysisPage::updateStaleness);
    connect(m_views.pointTable, &ui::PointTableView::currentPointChanged, this, [this](const QString& point) {
        m_compare->setPoint(point);
        m_propagation->setCurrentPoint(point);
        m_heatMap->selectPoint(point);
    });
    // After a clip handle is released (PlanEditor, connected first, has applied the edit), the
    // exact error of the new range follows from the calibration data in the background.
    connect(m_views.histogram, &ui::HistogramView::clipDragFinished, this,
            [this](const QString& point) { measurePoint(point); });

    connect(m_compare, &ui::CompareView::useObserverRequested, this, &AnalysisPage::useObserver);
    connect(m_heatMap, &ui::ObserverHeatMap::cellActivated, this, &AnalysisPage::useObserver);
    connect(m_heatMap, &ui::ObserverHeatMap::pointSelected, this, [this](const QString& point) {
        // Selecting in the heat map follows along without leaving it.
        m_views.pointTable->selectPoint(point);
    });
    connect(m_sensitivity, &ui::SensitivityView::pointSelected, this, &AnalysisPage::showPoint);
    connect(m_propagation, &ui::ErrorPropagationView::pointSelected, this, &AnalysisPage::showPoint);
    connect(m_sensitivity, &ui::SensitivityView::protectWorstRequested, this, &AnalysisPage::protectPoints);
    connect(m_accuracy, &ui::AccuracyView::evaluateRequested, this, &AnalysisPage::evaluate);
    connect(m_accuracy, &ui::AccuracyView::cancelRequested, m_evaluation, &EvaluationController::cancel);
}

void AnalysisPage::connectJobs()
{
    connect(m_measurement, &EvaluationController::evaluationAvailable, this,
            [this](std::shared_ptr<const EvaluationResult> result) {
                if (m_measuredDocument == m_document->documentId())
                    showMeasurement(*result);
            });
    connect(m_measurement, &EvaluationController::evaluationFailed, this,
            [](const QString& message) { logWarning("Measuring the clip range failed: " + message.toStdString()); });

    connect(m_evaluation, &EvaluationController::runningChanged, this, [this](bool running) {
        m_accuracy->setRunning(running);
        if (!running)
            m_views.jobProgress->finish();
        Q_EMIT evaluatingChanged(running);
    });
    connect(m_evaluation, &EvaluationController::progressChanged, this, [this](const JobProgressInfo& p) {
        // One bar over all phases: a bar that restarts per phase says nothing about the end.
        const EvaluationProgress::Overall overall =
            m_progress.update(p.stage, p.done, p.total, double(m_progressClock.elapsed()) / 1000.0);
        const QString phase = phaseText(overall);
        if (overall.fraction < 0)
            m_accuracy->setProgress(phase, 0, 0);
        else
            m_accuracy->setProgress(tr("%1 · %2 % · %3 left")
                                        .arg(phase)
                                        .arg(int(overall.fraction * 100.0))
                                        .arg(ui::JobProgress::formatDuration(overall.etaSeconds)),
                                    int(std::lround(overall.fraction * ui::JobProgress::kOverallSteps)),
                                    ui::JobProgress::kOverallSteps);
        m_views.jobProgress->setOverallProgress(phase, overall.fraction, overall.etaSeconds);
    });
    connect(m_evaluation, &EvaluationController::stageFinished, this, &AnalysisPage::showStage);
    connect(m_evaluation, &EvaluationController::evaluationAvailable, this,
            [this](std::shared_ptr<const EvaluationResult> result) {
                if (m_evaluatedDocument != m_document->documentId())
                    return; // evaluated another calibration than the one open now
                for (const auto& warning : result->warnings)
                    logWarning(warning);
                const EvaluationResult& e = *result;
                m_document->setEvaluation(std::move(result));
                Q_EMIT statusMessage(tr("Evaluated %1 images in %2 s").arg(e.images).arg(e.seconds, 0, 'f', 1),
                                     10000);
                Q_EMIT evaluationFinished();
            });
    connect(m_evaluation, &EvaluationController::evaluationFailed, this, &AnalysisPage::errorOccurred);
    connect(m_evaluation, &EvaluationController::evaluationCancelled, this,
            [this] { Q_EMIT statusMessage(tr("Evaluation cancelled"), 5000); });
}

void AnalysisPage::showStage(EvaluationStage stage, std::shared_ptr<const EvaluationResult> sofar)
{
    if (m_evaluatedDocument != m_document->documentId() || !m_document->hasResult())
        return;
    // The accuracy rows and each point's error are known before the sensitivity passes:
    // shown at once, while the sensitivity view keeps its banner until the whole result.
    if (stage == EvaluationStage::Sensitivity)
        return; // the whole result follows at once
    m_accuracy->setEvaluation(*sofar);
    m_accuracy->setDataNotes(dataNotes(*sofar));
    m_propagation->setEvaluation(*sofar);
    m_propagation->setCurrentPoint(m_views.pointTable->currentPoint());
    const bool current = evaluationIsCurrent(*sofar, m_document->result()->points);
    m_accuracy->setStaleness(current ? ui::Staleness::Current : ui::Staleness::PlanChanged);
    m_propagation->setStaleness(current ? ui::Staleness::Current : ui::Staleness::PlanChanged);
    Q_EMIT stageShown(stage);
}

QStringList AnalysisPage::dataNotes(const EvaluationResult& evaluation) const
{
    QStringList notes;
    if (!m_document->hasResult())
        return notes;
    const CalibrationResult& calibration = *m_document->result();
    if (!(evaluation.data.preprocess == calibration.config.data.preprocess))
        notes << tr("The validation data is preprocessed differently from the calibration data (%1 vs %2).")
                     .arg(preprocessText(evaluation.data.preprocess), preprocessText(calibration.config.data.preprocess));
    // The model's output: the classes of its logits.
    int64_t classes = 0;
    for (auto op = calibration.model.ops.rbegin(); op != calibration.model.ops.rend() && classes == 0; ++op)
        if (!op->shape.empty())
            classes = op->shape.back();
    if (evaluation.hasLabels && classes > 1 && evaluation.floatMetrics.labelled > 0
        && evaluation.floatMetrics.top1 <= 1.5 / double(classes))
        notes << tr("Float accuracy near chance (%1 % with %2 classes): check preprocessing and labels.")
                     .arg(evaluation.floatMetrics.top1 * 100.0, 0, 'f', 2)
                     .arg(classes);
    return notes;
}

void AnalysisPage::refreshEvaluationViews(Coverage coverage)
{
    // The coverage of the validation data shows in the point table and the heat map. On a
    // thousand-point session each of the two costs about as much as the evaluation views
    // together: when an evaluation arrives they follow on later turns of the event loop, so
    // that no single turn does all of it.
    m_coverageStep = 0;
    if (coverage == Coverage::Later) {
        m_coverageTimer.start();
    } else {
        m_coverageTimer.stop();
        if (m_views.pointModel)
            m_views.pointModel->refreshCoverage();
        m_heatMap->setResult(m_document->sharedResult());
    }
    const auto evaluation = m_document->evaluation();
    if (!evaluation) {
        for (ui::EvaluationView* view : evaluationViews())
            view->clear();
        m_accuracy->setDataNotes({});
        return;
    }
    for (ui::EvaluationView* view : evaluationViews())
        view->setEvaluation(*evaluation);
    m_accuracy->setDataNotes(dataNotes(*evaluation));
    m_propagation->setCurrentPoint(m_views.pointTable->currentPoint());
    updateStaleness();
}

void AnalysisPage::refreshCoverageStep()
{
    if (m_coverageStep++ == 0) {
        if (m_views.pointModel)
            m_views.pointModel->refreshCoverage();
        m_coverageTimer.start(); // the heat map on the next turn
        return;
    }
    m_heatMap->setResult(m_document->sharedResult());
}

void AnalysisPage::updateStaleness()
{
    const auto evaluation = m_document->evaluation();
    ui::Staleness staleness = ui::Staleness::Current;
    if (evaluation && !m_document->isEvaluationCurrent())
        staleness = ui::Staleness::PlanChanged;
    else if (evaluation && m_data->hasValidation() && evaluation->data != m_data->validation())
        staleness = ui::Staleness::DataChanged;
    for (ui::EvaluationView* view : evaluationViews())
        view->setStaleness(staleness);
}

std::array<ui::EvaluationView*, 3> AnalysisPage::evaluationViews() const
{
    return {m_accuracy, m_sensitivity, m_propagation};
}

void AnalysisPage::showPoint(const QString& point)
{
    m_views.tableTabs->setCurrentWidget(m_views.pointTable);
    m_views.pointTable->selectPoint(point);
    m_views.inspectorTabs->setCurrentWidget(m_views.histogram);
}

void AnalysisPage::useObserver(const QString& point, const QString& observer)
{
    if (!m_document->hasResult() || !m_document->result()->point(point.toStdString()))
        return;
    ObserverConfig config = m_document->wantedConfig(point.toStdString());
    // The compare pass ran every observer with its defaults on this point's grid: taking
    // exactly that makes the switch instant and the numbers those the compare view showed.
    config.name = observer.toStdString();
    config.params.clear();
    config.keepFloat = false;
    m_document->editPoints({{point.toStdString(), config}}, tr("Use %1 for %2").arg(observer, point));
}

void AnalysisPage::protectPoints(const QStringList& points, const QString& action)
{
    if (!m_document->hasResult() || points.isEmpty())
        return;
    std::map<std::string, ObserverConfig> configs;
    for (const QString& point : points) {
        ObserverConfig config = m_document->wantedConfig(point.toStdString());
        if (action == QLatin1String("keep_float")) {
            config.keepFloat = true;
        } else {
            config.keepFloat = false;
            config.spec.dtype = obs::DType::QInt16;
            config.spec.quantMin.reset();
            config.spec.quantMax.reset();
        }
        configs[point.toStdString()] = config;
    }
    const QString description = action == QLatin1String("keep_float")
                                    ? tr("Keep %n most sensitive point(s) in float", nullptr, int(points.size()))
                                    : tr("Quantize %n most sensitive point(s) to qint16", nullptr, int(points.size()));
    m_document->editPoints(configs, description);
    // The user asked for this to see its effect: evaluate again once the plan is realised
    // (a dtype change needs a re-run of the calibration first).
    if (m_document->hasPending())
        m_evaluateAfterRerun = true;
    else
        evaluate(m_accuracy->maxImages(), m_lastSensitivity);
}

void AnalysisPage::rerunFinished()
{
    if (m_evaluateAfterRerun && !m_document->hasPending())
        evaluate(m_accuracy->maxImages(), m_lastSensitivity);
}

EvaluationConfig AnalysisPage::evaluationConfig(int maxImages, bool sensitivity) const
{
    EvaluationConfig config;
    config.data = validationData();
    config.batchSize = kEvaluationBatchSize;
    config.maxBatches = maxImages > 0 ? int(std::ceil(double(maxImages) / kEvaluationBatchSize)) : -1;
    config.sensitivity = sensitivity;
    return config;
}

DatasetSpec AnalysisPage::validationData() const
{
    if (m_data->hasValidation())
        return m_data->validation();
    if (const auto evaluation = m_document->evaluation())
        return evaluation->data;
    return m_data->dataset();
}

void AnalysisPage::showValidationDialog(QWidget* parent)
{
    auto* dialog = new DatasetDialog(parent);
    dialog->setObjectName(QStringLiteral("validationDialog"));
    dialog->setWindowTitle(tr("Validation data"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setValues(validationData(), kEvaluationBatchSize, -1);
    if (m_document->hasResult()) {
        // Another file starts from the calibration's preprocessing, and a difference is said.
        const PreprocessConfig& calibration = m_document->result()->config.data.preprocess;
        dialog->setNewFilePreprocess(calibration);
        dialog->setReferencePreprocess(calibration);
    } else if (m_data->hasDataset()) {
        dialog->setNewFilePreprocess(m_data->dataset().preprocess);
        dialog->setReferencePreprocess(m_data->dataset().preprocess);
    }
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        try {
            m_data->setValidation(dialog->spec());
        } catch (const CalibError& e) {
            Q_EMIT errorOccurred(QString::fromStdString(e.what()));
        }
    });
    dialog->open();
}

void AnalysisPage::measurePoint(const QString& point)
{
    if (!m_document->hasResult() || !m_document->result()->point(point.toStdString()))
        return;
    m_measuredPoint = point;
    const CalibrationConfig& calibration = m_document->result()->config;
    EvaluationConfig config;
    // The calibration data the histogram was built from, so estimate and measurement
    // describe the same values.
    config.data = calibration.data;
    config.batchSize = calibration.batchSize;
    config.maxBatches = calibration.numBatches;
    config.accuracyTable = false;
    config.sensitivity = false;
    config.autoPlan = false;
    config.localErrorsOnly = true; // the histogram shows the local error: no quantized forward
    m_measuredDocument = m_document->documentId();
    m_measurement->start(*m_document->result(), config);
}

void AnalysisPage::showMeasurement(const EvaluationResult& result)
{
    const std::string name = m_measuredPoint.toStdString();
    const PointCalibration* point = m_document->hasResult() ? m_document->result()->point(name) : nullptr;
    const PointEvaluation* measured = result.point(name);
    const auto planned = result.planConfigs.find(name);
    // Edited again meanwhile: these numbers describe a range that is gone.
    if (!point || !measured || planned == result.planConfigs.end() || planned->second != point->config)
        return;
    ui::HistogramView::MeasuredError e;
    e.point = m_measuredPoint;
    e.l2 = measured->local.l2;
    e.sqnrDb = measured->local.sqnrDb;
    e.clippedFraction = measured->local.clippedFraction;
    e.values = measured->local.count;
    e.images = result.images;
    m_views.histogram->setMeasuredError(e);
    Q_EMIT pointMeasured(m_measuredPoint);
}

bool AnalysisPage::evaluate(int maxImages, bool sensitivity)
{
    if (!m_document->hasResult()) {
        Q_EMIT errorOccurred(tr("Evaluation needs a calibration: calibrate or open a session first."));
        return false;
    }
    if (m_evaluation->isRunning())
        return false;
    m_lastSensitivity = sensitivity;
    m_evaluateAfterRerun = false;
    const EvaluationConfig config = evaluationConfig(maxImages, sensitivity);
    m_views.jobProgress->start(tr("Evaluating on %1").arg(QString::fromStdString(config.data.path)));
    m_evaluatedDocument = m_document->documentId();
    // The passes after the first, as the evaluation will count them: one per accuracy row
    // (the automatic plan and each compare observer) and one per point ranked.
    const CalibrationResult& calibration = *m_document->result();
    qint64 laterPasses = 1 + (calibration.points.empty() ? 0 : qint64(calibration.points.front().compare.size()));
    if (sensitivity)
        for (const auto& point : calibration.points)
            laterPasses += point.config.keepFloat ? 0 : 1;
    m_progressClock.start();
    m_progress.start(laterPasses, 0.0);
    return m_evaluation->start(calibration, config);
}

QString AnalysisPage::phaseText(const EvaluationProgress::Overall& overall) const
{
    const int phases = m_lastSensitivity ? 3 : 2;
    switch (overall.phase) {
    case EvaluationProgress::Phase::Preparing:
        return overall.stage.isEmpty() ? tr("Evaluating: preparing") : tr("Evaluating: %1").arg(overall.stage);
    case EvaluationProgress::Phase::Evaluating:
        return tr("Evaluating: float and quantized (phase %1 of %2)").arg(1).arg(phases);
    case EvaluationProgress::Phase::AccuracyTable:
        return tr("Evaluating: accuracy table (phase %1 of %2)").arg(2).arg(phases);
    case EvaluationProgress::Phase::Sensitivity:
        return tr("Evaluating: sensitivity (phase %1 of %2)").arg(3).arg(phases);
    }
    return {};
}

void AnalysisPage::evaluateFromMenu()
{
    m_views.tableTabs->setCurrentWidget(m_accuracy);
    evaluate(m_accuracy->maxImages(), m_accuracy->sensitivityBox()->isChecked());
}

} // namespace cs::app

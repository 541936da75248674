// Opening models, datasets and sessions, calibrating, saving: the main window's side of
// the background controllers.
#include "gui/main_window.h"

#include "core/errors.h"
#include "core/platform/logging.h"
#include "gui/calibration_document.h"
#include "gui/dataset_dialog.h"
#include "core/demo/demo_splits.h"
#include "gui/evaluation_controller.h"
#include "gui/file_dialogs.h"
#include "gui/model_load_controller.h"
#include "gui/plan_editor.h"
#include "gui/session_controller.h"
#include "gui/settings.h"
#include "widgets/accuracy_view.h"
#include "widgets/job_progress.h"
#include "widgets/op_table_model.h"

#include <QAction>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStatusBar>
#include <QTableView>
#include <QUndoStack>

namespace cs::app {

void MainWindow::connectControllers()
{
    connect(m_loader, &ModelLoadController::loaded, this, &MainWindow::onModelLoaded);
    connect(m_loader, &ModelLoadController::failed, this, [this](const QString& message) {
        m_jobProgress->finish();
        if (message == QLatin1String("cancelled"))
            statusBar()->showMessage(tr("Cancelled"), 5000);
        else
            showError(message);
    });
    connect(m_loader, &ModelLoadController::progressChanged, this, [this](const ProgressInfo& info) {
        m_jobProgress->setProgress(QString::fromStdString(info.stage), info.done, info.total, info.itemsPerSecond, -1);
    });
    connect(m_loader, &ModelLoadController::runningChanged, this, &MainWindow::updateActions);

    connect(m_calibration, &CalibrationController::progressChanged, this, [this](const CalibrationProgress& p) {
        m_jobProgress->setProgress(p.stage == QLatin1String("calibrating") ? tr("Calibrating") : p.stage, p.done,
                                   p.total, p.itemsPerSecond, p.etaSeconds);
    });
    connect(m_calibration, &CalibrationController::calibrationAvailable, this, &MainWindow::onCalibrationAvailable);
    connect(m_calibration, &CalibrationController::calibrationFailed, this, &MainWindow::onCalibrationFailed);
    connect(m_calibration, &CalibrationController::calibrationCancelled, this,
            [this](CalibrationController::Purpose purpose) {
                m_jobProgress->finish();
                if (purpose == CalibrationController::Purpose::Rerun)
                    m_document->rerunAbandoned();
                statusBar()->showMessage(tr("Calibration cancelled"), 5000);
            });
    connect(m_calibration, &CalibrationController::runningChanged, this, &MainWindow::updateActions);

    connect(m_document, &CalibrationDocument::rerunNeeded, this, [this] {
        const int points = int(m_document->pendingPoints().size());
        m_jobProgress->start(tr("Re-running the calibration for %n edited point(s)", nullptr, points));
        m_calibration->start(m_document->rerunConfig(), CalibrationController::Purpose::Rerun);
    });
    connect(m_document, &CalibrationDocument::editFailed, this, &MainWindow::showError);
    connect(m_document, &CalibrationDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &CalibrationDocument::sessionPathChanged, this, &MainWindow::updateTitle);
    connect(m_document, &CalibrationDocument::resultReplaced, this, &MainWindow::updateActions);

    connect(m_sessions, &SessionController::failed, this, [this](const QString& message) {
        m_closeAfterSave = false;
        m_jobProgress->finish();
        showError(message);
    });
    connect(m_sessions, &SessionController::saved, this, [this](const QString& path) {
        addRecentFile(settings::recentSessions, path);
        statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
        Q_EMIT sessionSaved(path);
        if (m_closeAfterSave)
            close();
    });
    connect(m_sessions, &SessionController::opened, this, [this](const QString& path) {
        m_jobProgress->finish();
        const CalibrationResult& r = *m_document->result();
        m_modelPath = QString::fromStdString(r.config.modelPath);
        m_demoAccuracy = -1;
        m_opModel->setSummary(r.model);
        m_opTable->resizeColumnsToContents();
        setDataset(r.config.data, r.config.batchSize, r.config.numBatches);
        addRecentFile(settings::recentSessions, path);
        statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
        updateActions();
        Q_EMIT sessionOpened(path);
    });
}

void MainWindow::openModel(const QString& path)
{
    m_jobProgress->start(tr("Loading %1").arg(QFileInfo(path).fileName()));
    logInfo("Loading " + path.toStdString());
    m_loader->start([path](const ProgressCallback& progress) { return loadModel(path, progress); });
}

void MainWindow::openDemo()
{
    m_jobProgress->start(tr("Preparing the demo model"));
    logInfo("Preparing the demo model");
    m_loader->start([](const ProgressCallback& progress) { return loadDemo(progress); });
}

void MainWindow::onModelLoaded(const ModelLoadResult& result)
{
    m_jobProgress->finish();
    const QString path = QString::fromStdString(result.summary.path);
    m_modelPath = path;
    m_opModel->setSummary(result.summary);
    m_opTable->resizeColumnsToContents();
    m_demoDescription = result.demoDescription;
    m_demoAccuracy = result.demoDescription.isEmpty() ? -1 : result.demoAccuracy;
    // A calibration of another model no longer applies; unsaved work stays until replaced.
    if (m_document->hasResult() && m_document->result()->config.modelPath != path.toStdString()
        && !m_document->isModified())
        m_document->clear();
    if (!result.demoDescription.isEmpty()) {
        try {
            // The demo calibrates its whole calibration split in batches of 32.
            const DemoSplits splits = loadDemoSplits(result.demoDescription.toStdString());
            setDataset(splits.calibration, 32, -1);
            setValidationData(splits.validation);
        } catch (const CalibError& e) {
            showError(QString::fromStdString(e.what()));
        }
    } else {
        addRecentFile(settings::recentModels, path);
    }
    // Until a calibration exists the op list is all there is to look at.
    if (!m_document->hasResult())
        m_tableTabs->setCurrentIndex(1);
    updateHeader();
    updateTitle();
    updateActions();
    statusBar()->showMessage(tr("Ready"));
    Q_EMIT modelLoaded(path);
}

void MainWindow::openDataset(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        showError(tr("%1: no such file or folder").arg(path));
        return;
    }
    DatasetSpec spec;
    spec.path = info.absoluteFilePath().toStdString();
    // The same data as last time keeps the preprocessing chosen for it then.
    try {
        const QJsonObject last = QJsonDocument::fromJson(settings::lastDataset.value()).object();
        if (!last.isEmpty()) {
            const DatasetSpec previous = DatasetSpec::fromJson(last);
            if (previous.path == spec.path)
                spec = previous;
        }
    } catch (const CalibError&) {
        settings::lastDataset.reset(); // written by another version: forget it
    }
    setDataset(spec, m_batchSize, m_numBatches);
}

void MainWindow::setDataset(const DatasetSpec& spec, int batchSize, int numBatches)
{
    m_dataset = spec;
    m_hasDataset = true;
    m_batchSize = batchSize;
    m_numBatches = numBatches;
    logInfo("Dataset: " + spec.path);
    updateHeader();
    updateActions();
}

void MainWindow::showDatasetDialog()
{
    auto* dialog = new DatasetDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_hasDataset) {
        dialog->setValues(m_dataset, m_batchSize, m_numBatches);
    } else {
        // Start from what was used last time.
        const QJsonObject last = QJsonDocument::fromJson(settings::lastDataset.value()).object();
        try {
            if (!last.isEmpty())
                dialog->setValues(DatasetSpec::fromJson(last), settings::batchSize.value(), settings::numBatches.value());
        } catch (const CalibError&) {
            settings::lastDataset.reset(); // written by another version: forget it
        }
    }
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        try {
            const DatasetSpec spec = dialog->spec();
            setDataset(spec, dialog->batchSize(), dialog->numBatches());
            settings::lastDataset.setValue(QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact));
            settings::batchSize.setValue(dialog->batchSize());
            settings::numBatches.setValue(dialog->numBatches());
            addRecentFile(settings::recentDatasets, QString::fromStdString(spec.path));
        } catch (const CalibError& e) {
            showError(QString::fromStdString(e.what()));
        }
    });
    dialog->open();
}

void MainWindow::calibrate()
{
    if (m_modelPath.isEmpty() || !m_hasDataset) {
        showError(tr("Calibration needs a model and a dataset: open them first (File menu)."));
        return;
    }
    CalibrationConfig config;
    config.modelPath = m_modelPath.toStdString();
    config.data = m_dataset;
    config.batchSize = m_batchSize;
    config.numBatches = m_numBatches;
    // Every observer is run alongside, so switching observers later is instant.
    config.compareObservers = true;
    if (m_document->hasResult() && m_document->result()->config.modelPath == config.modelPath) {
        // Same model: the tuning done so far carries over to the new data.
        const CalibrationConfig previous = m_document->rerunConfig();
        config.activation = previous.activation;
        config.weight = previous.weight;
        config.overrides = previous.overrides;
        config.mode = previous.mode;
    }
    m_jobProgress->start(tr("Calibrating %1").arg(QFileInfo(m_modelPath).fileName()));
    m_calibration->start(config, CalibrationController::Purpose::Calibrate);
}

void MainWindow::cancelJob()
{
    m_calibration->cancel();
    m_loader->cancel();
    m_evaluation->cancel();
}

void MainWindow::onCalibrationAvailable(const CalibrationResult& result, CalibrationController::Purpose purpose,
                                        const std::shared_ptr<ObserverBank>& bank)
{
    m_jobProgress->finish();
    const bool rerun = purpose == CalibrationController::Purpose::Rerun;
    m_document->setResult(result, rerun, bank ? std::move(*bank) : ObserverBank());
    if (!rerun) {
        m_opModel->setSummary(result.model);
        m_opTable->resizeColumnsToContents();
    }
    for (const auto& warning : result.warnings)
        logWarning(warning);
    statusBar()->showMessage(tr("Calibrated %1 points on %2 images in %3 s (%4 images/s)")
                                 .arg(result.points.size())
                                 .arg(result.images)
                                 .arg(result.seconds, 0, 'f', 1)
                                 .arg(result.imagesPerSecond, 0, 'f', 0),
                             10000);
    updateHeader();
    updateTitle();
    updateActions();
    Q_EMIT calibrationFinished();
    if (rerun && m_evaluateAfterRerun && !m_document->hasPending())
        evaluate(m_accuracy->maxImages(), m_lastSensitivity);
}

void MainWindow::onCalibrationFailed(const QString& message, CalibrationController::Purpose purpose)
{
    m_jobProgress->finish();
    if (purpose == CalibrationController::Purpose::Rerun)
        m_document->rerunAbandoned();
    showError(message);
}

void MainWindow::openSession(const QString& path)
{
    // The session replaces whatever a running calibration would have produced.
    m_calibration->cancel();
    m_jobProgress->start(tr("Opening %1").arg(QFileInfo(path).fileName()));
    m_sessions->open(path);
}

void MainWindow::saveSession(const QString& path)
{
    if (!m_document->hasResult())
        return;
    statusBar()->showMessage(tr("Saving %1").arg(path));
    m_sessions->save(path);
}

void MainWindow::save()
{
    if (m_document->sessionPath().isEmpty())
        saveAs();
    else
        saveSession(m_document->sessionPath());
}

void MainWindow::saveAs()
{
    if (!m_document->hasResult())
        return;
    saveFileDialog(this, tr("Save session"), tr("calibscope sessions (*.cscope)"), QStringLiteral("cscope"),
                   [this](const QString& path) { saveSession(path); });
}

} // namespace cs::app

#include "gui/calibration_workflow.h"

#include "core/demo/demo_splits.h"
#include "core/errors.h"
#include "core/platform/logging.h"
#include "gui/analysis_page.h"
#include "gui/calibration_document.h"
#include "gui/data_choices.h"
#include "gui/file_dialogs.h"
#include "gui/model_load_controller.h"
#include "gui/points_page.h"
#include "gui/session_controller.h"
#include "gui/settings.h"
#include "widgets/job_progress.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace cs::app {

namespace {

// The file's content decides; the path only when a digest is missing.
bool isSameModel(const CalibrationResult& calibrated, const ModelSummary& loaded)
{
    if (!calibrated.model.sha256.empty() && !loaded.sha256.empty())
        return calibrated.model.sha256 == loaded.sha256;
    return calibrated.config.modelPath == loaded.path;
}

} // namespace

CalibrationWorkflow::CalibrationWorkflow(const Parts& parts, QObject* parent)
    : QObject(parent), m_parts(parts), m_calibration(new CalibrationController(this)),
      m_loader(new ModelLoadController(this)), m_sessions(new SessionController(parts.document, this))
{
    connectLoader();
    connectCalibration();
    connectSessions();
}

CalibrationWorkflow::~CalibrationWorkflow() { shutdown(); }

void CalibrationWorkflow::shutdown()
{
    m_calibration->shutdown();
    m_loader->shutdown();
    m_sessions->shutdown();
}

void CalibrationWorkflow::cancel()
{
    m_calibration->cancel();
    m_loader->cancel();
}

bool CalibrationWorkflow::isBusy() const
{
    return m_loader->isRunning() || m_calibration->isRunning() || m_sessions->isBusy();
}

bool CalibrationWorkflow::isLoading() const { return m_loader->isRunning(); }

bool CalibrationWorkflow::isReplacing() const
{
    return m_calibration->isRunning() && m_calibration->purpose() == CalibrationController::Purpose::Calibrate;
}

void CalibrationWorkflow::connectLoader()
{
    connect(m_loader, &ModelLoadController::loaded, this, &CalibrationWorkflow::onModelLoaded);
    connect(m_loader, &ModelLoadController::failed, this, [this](const QString& message) {
        m_parts.progress->finish();
        Q_EMIT errorOccurred(message);
    });
    connect(m_loader, &ModelLoadController::cancelled, this, [this] {
        m_parts.progress->finish();
        Q_EMIT statusMessage(tr("Cancelled"), 5000);
    });
    connect(m_loader, &ModelLoadController::progressChanged, this, [this](const JobProgressInfo& p) {
        m_parts.progress->setProgress(p.stage, p.done, p.total, p.itemsPerSecond, -1);
    });
    connect(m_loader, &ModelLoadController::runningChanged, this, &CalibrationWorkflow::stateChanged);
}

void CalibrationWorkflow::connectCalibration()
{
    connect(m_calibration, &CalibrationController::progressChanged, this, [this](const CalibrationProgress& p) {
        m_parts.progress->setProgress(p.stage == QLatin1String("calibrating") ? tr("Calibrating") : p.stage, p.done,
                                      p.total, p.itemsPerSecond, p.etaSeconds);
    });
    connect(m_calibration, &CalibrationController::calibrationAvailable, this,
            &CalibrationWorkflow::onCalibrationAvailable);
    connect(m_calibration, &CalibrationController::calibrationFailed, this,
            [this](const QString& message, CalibrationController::Purpose purpose) {
                onCalibrationEnded(purpose);
                Q_EMIT errorOccurred(message);
            });
    connect(m_calibration, &CalibrationController::calibrationCancelled, this,
            [this](CalibrationController::Purpose purpose) {
                onCalibrationEnded(purpose);
                Q_EMIT statusMessage(tr("Calibration cancelled"), 5000);
            });
    connect(m_calibration, &CalibrationController::runningChanged, this, &CalibrationWorkflow::stateChanged);
    connect(m_parts.document, &CalibrationDocument::rerunNeeded, this, [this] {
        const int points = int(m_parts.document->pendingPoints().size());
        m_parts.progress->start(tr("Re-running the calibration for %n edited point(s)", nullptr, points));
        m_calibration->start(m_parts.document->rerunConfig(), CalibrationController::Purpose::Rerun);
    });
}

void CalibrationWorkflow::connectSessions()
{
    connect(m_sessions, &SessionController::failed, this, [this](const QString& message) {
        m_parts.progress->finish();
        Q_EMIT errorOccurred(message);
    });
    connect(m_sessions, &SessionController::saved, this, [this](const QString& path) {
        addRecentFile(settings::recentSessions, path);
        Q_EMIT statusMessage(tr("Saved %1").arg(path), 5000);
        Q_EMIT sessionSaved(path);
    });
    connect(m_sessions, &SessionController::opened, this, [this](const QString& path) {
        m_parts.progress->finish();
        const CalibrationResult& r = *m_parts.document->result();
        m_modelPath = QString::fromStdString(r.config.modelPath);
        m_demoAccuracy = -1;
        m_parts.points->setSummary(r.model);
        m_parts.data->setDataset(r.config.data, r.config.batchSize, r.config.numBatches);
        addRecentFile(settings::recentSessions, path);
        Q_EMIT statusMessage(tr("Opened %1").arg(path), 5000);
        Q_EMIT stateChanged();
        Q_EMIT sessionOpened(path);
    });
}

void CalibrationWorkflow::openModel(const QString& path)
{
    m_parts.progress->start(tr("Loading %1").arg(QFileInfo(path).fileName()));
    logInfo("Loading " + path.toStdString());
    m_loader->start([path](const ProgressCallback& progress) { return loadModel(path, progress); }, path);
}

void CalibrationWorkflow::openDemo()
{
    m_parts.progress->start(tr("Preparing the demo model"));
    logInfo("Preparing the demo model");
    m_loader->start([](const ProgressCallback& progress) { return loadDemo(progress); });
}

void CalibrationWorkflow::onModelLoaded(const ModelLoadResult& result)
{
    CalibrationDocument* document = m_parts.document;
    m_parts.progress->finish();
    const QString path = QString::fromStdString(result.summary.path);
    // A calibration still running for the previous model would deliver under this one.
    if (path != m_modelPath)
        m_calibration->cancel();
    m_modelPath = path;
    m_parts.points->setSummary(result.summary);
    m_demoAccuracy = result.demoDescription.isEmpty() ? -1 : result.demoAccuracy;
    // Another model is a new document: the calibration, its evaluation and every view of
    // them go (the window has asked about unsaved changes before the load started).
    if (document->hasResult() && !isSameModel(*document->result(), result.summary))
        document->clear();
    if (!result.demoDescription.isEmpty()) {
        try {
            // The demo calibrates its whole calibration split in batches of 32.
            const DemoSplits splits = loadDemoSplits(result.demoDescription.toStdString());
            m_parts.data->setDataset(splits.calibration, 32, -1);
            m_parts.data->setValidation(splits.validation);
        } catch (const CalibError& e) {
            Q_EMIT errorOccurred(QString::fromStdString(e.what()));
        }
    } else {
        addRecentFile(settings::recentModels, path);
    }
    // Until a calibration exists the op list is all there is to look at.
    if (!document->hasResult())
        m_parts.points->showOps();
    Q_EMIT stateChanged();
    Q_EMIT statusMessage(tr("Ready"), 0);
    Q_EMIT modelLoaded(path);
}

void CalibrationWorkflow::calibrate()
{
    if (m_modelPath.isEmpty() || !m_parts.data->hasDataset()) {
        Q_EMIT errorOccurred(tr("Calibration needs a model and a dataset: open them first (File menu)."));
        return;
    }
    CalibrationConfig config;
    config.modelPath = m_modelPath.toStdString();
    config.data = m_parts.data->dataset();
    config.batchSize = m_parts.data->batchSize();
    config.numBatches = m_parts.data->numBatches();
    // Every observer is run alongside, so switching observers later is instant.
    config.compareObservers = true;
    if (m_parts.document->hasResult() && m_parts.document->result()->config.modelPath == config.modelPath) {
        // Same model: the tuning done so far carries over to the new data.
        const CalibrationConfig previous = m_parts.document->rerunConfig();
        config.activation = previous.activation;
        config.weight = previous.weight;
        config.overrides = previous.overrides;
        config.mode = previous.mode;
    }
    m_parts.progress->start(tr("Calibrating %1").arg(QFileInfo(m_modelPath).fileName()));
    m_calibration->start(config, CalibrationController::Purpose::Calibrate);
}

void CalibrationWorkflow::onCalibrationAvailable(const CalibrationResult& result,
                                                 CalibrationController::Purpose purpose,
                                                 const std::shared_ptr<ObserverBank>& bank)
{
    m_parts.progress->finish();
    const bool rerun = purpose == CalibrationController::Purpose::Rerun;
    m_parts.document->setResult(result, rerun, bank ? std::move(*bank) : ObserverBank());
    if (!rerun)
        m_parts.points->setSummary(result.model);
    for (const auto& warning : result.warnings)
        logWarning(warning);
    Q_EMIT statusMessage(tr("Calibrated %1 points on %2 images in %3 s (%4 images/s)")
                             .arg(result.points.size())
                             .arg(result.images)
                             .arg(result.seconds, 0, 'f', 1)
                             .arg(result.imagesPerSecond, 0, 'f', 0),
                         10000);
    Q_EMIT stateChanged();
    Q_EMIT calibrationFinished();
    if (rerun)
        m_parts.analysis->rerunFinished();
}

void CalibrationWorkflow::onCalibrationEnded(CalibrationController::Purpose purpose)
{
    m_parts.progress->finish();
    if (purpose == CalibrationController::Purpose::Rerun)
        m_parts.document->rerunAbandoned();
}

void CalibrationWorkflow::openSession(const QString& path)
{
    // The session replaces whatever a running calibration would have produced: the cancelled
    // calibration never delivers, even if it has already finished its work.
    m_calibration->cancel();
    m_parts.progress->start(tr("Opening %1").arg(QFileInfo(path).fileName()));
    m_sessions->open(path);
}

void CalibrationWorkflow::saveSession(const QString& path)
{
    if (!m_parts.document->hasResult())
        return;
    Q_EMIT statusMessage(tr("Saving %1").arg(path), 0);
    m_sessions->save(path);
}

void CalibrationWorkflow::save()
{
    if (m_parts.document->sessionPath().isEmpty())
        saveAs();
    else
        saveSession(m_parts.document->sessionPath());
}

void CalibrationWorkflow::saveAs()
{
    if (!m_parts.document->hasResult())
        return;
    saveFileDialog(m_parts.window, tr("Save session"), tr("calibscope sessions (*.cscope)"), QStringLiteral("cscope"),
                   [this](const QString& path) { saveSession(path); }, proposedSessionPath());
}

QString CalibrationWorkflow::proposedSessionPath() const
{
    if (!m_parts.document->sessionPath().isEmpty())
        return m_parts.document->sessionPath();
    if (m_modelPath.isEmpty())
        return {};
    const QFileInfo model(m_modelPath);
    const QString name = model.completeBaseName() + QStringLiteral(".cscope");
    if (m_demoAccuracy >= 0) {
        const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        const bool hasDocuments = !documents.isEmpty() && QFileInfo(documents).isDir();
        return QDir(hasDocuments ? documents : QDir::homePath()).filePath(name);
    }
    return model.absoluteDir().filePath(name);
}

} // namespace cs::app

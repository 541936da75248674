#include "gui/session_controller.h"

#include "core/errors.h"
#include "core/platform/logging.h"
#include "core/platform/paths.h"
#include "core/session.h"
#include "gui/calibration_document.h"
#include "widgets/point_table_model.h"

#include <QDir>
#include <QFileInfo>

namespace cs::app {

namespace {

constexpr int kDefaultAutosaveDelayMs = 5000;

} // namespace

SessionController::SessionController(CalibrationDocument* document, QObject* parent)
    : QObject(parent), m_document(document)
{
    m_autosaveTimer.setSingleShot(true);
    m_autosaveTimer.setInterval(kDefaultAutosaveDelayMs);
    connect(&m_autosaveTimer, &QTimer::timeout, this, &SessionController::autosave);
    m_saves.setParent(this);
    m_opens.setParent(this);
    connect(&m_saves, &JobRunner::failed, this, [this](const QString& message) {
        Q_EMIT failed(message);
        startQueuedSave();
    });
    connect(&m_opens, &JobRunner::failed, this, &SessionController::failed);
    // Every change restarts the countdown, so a burst of edits is written once.
    const auto schedule = [this] {
        if (m_document->isModified())
            m_autosaveTimer.start();
    };
    connect(m_document, &CalibrationDocument::pointsChanged, this, schedule);
    connect(m_document, &CalibrationDocument::resultReplaced, this, schedule);
    connect(m_document, &CalibrationDocument::evaluationChanged, this, schedule);
}

SessionController::~SessionController() { shutdown(); }

void SessionController::shutdown()
{
    m_autosaveTimer.stop();
    m_queuedSave.reset();
    m_saves.shutdown();
    m_opens.shutdown();
}

bool SessionController::isBusy() const { return m_saves.isRunning() || m_opens.isRunning(); }

void SessionController::setAutosaveDelay(int milliseconds) { m_autosaveTimer.setInterval(milliseconds); }

QString SessionController::autosavePath() const
{
    const CalibrationResult* result = m_document->result();
    QString base = QStringLiteral("untitled");
    if (!m_document->sessionPath().isEmpty())
        base = QFileInfo(m_document->sessionPath()).completeBaseName();
    else if (result && !result->model.path.empty())
        base = QFileInfo(QString::fromStdString(result->model.path)).completeBaseName();
    return QString::fromStdString(cacheDir()) + QStringLiteral("/autosave/") + base + QStringLiteral(".cscope");
}

void SessionController::save(const QString& path) { startSave(path, false); }

void SessionController::autosave()
{
    if (!m_document->hasResult() || !m_document->isModified())
        return;
    if (m_document->hasPending()) {
        m_autosaveTimer.start(); // a re-run is about to change the result: save after it
        return;
    }
    startSave(autosavePath(), true);
}

void SessionController::startSave(const QString& path, bool autosave)
{
    if (!m_document->hasResult())
        return;
    if (m_saves.isRunning()) {
        // One writer at a time; the newest request wins.
        if (!m_queuedSave || !autosave)
            m_queuedSave = std::make_pair(path, autosave);
        return;
    }
    if (m_document->hasPending())
        logWarning("Saving " + path.toStdString() + " while " + std::to_string(m_document->pendingPoints().size())
                   + " edits wait for a re-run; the file has the configurations realised so far");
    // A copy of the observers: the worker writes their states while the GUI keeps retuning
    // the originals.
    const quint64 generation = m_document->generation();
    m_saves.start(
        [result = *m_document->result(), bank = std::make_shared<const ObserverBank>(m_document->bank().clone()), path,
         autosave, generation](const ProgressCallback&) {
            QDir().mkpath(QFileInfo(path).absolutePath());
            saveSession(result, *bank, path.toStdString());
            FileResult out;
            out.path = path;
            out.autosave = autosave;
            out.generation = generation;
            return out;
        },
        [this](const FileResult& out) { saveFinished(out); }, path + QStringLiteral(": cannot save the session"));
}

void SessionController::saveFinished(const FileResult& out)
{
    if (out.autosave) {
        logInfo("Autosaved to " + out.path.toStdString());
        Q_EMIT autosaved(out.path);
    } else {
        m_document->setSessionPath(out.path);
        m_document->markSaved(out.generation);
        logInfo("Saved session " + out.path.toStdString());
        Q_EMIT saved(out.path);
    }
    startQueuedSave();
}

void SessionController::startQueuedSave()
{
    if (!m_queuedSave)
        return;
    const auto [path, autosave] = *m_queuedSave;
    m_queuedSave.reset();
    startSave(path, autosave);
}

void SessionController::open(const QString& path)
{
    logInfo("Opening session " + path.toStdString());
    const quint64 id = m_opens.start(
        [path](const ProgressCallback&) {
            FileResult out;
            out.path = path;
            auto bank = std::make_shared<ObserverBank>();
            out.loaded = loadSession(path.toStdString(), bank.get());
            out.loadedBank = std::move(bank);
            // The point table's estimates take a thousand-point session's table a large share
            // of a frame on the GUI thread: they are computed here, with the loading.
            out.estimates = std::make_shared<const ui::PointEstimates>(ui::PointTableModel::estimatePoints(*out.loaded));
            return out;
        },
        [this](FileResult out) { openFinished(std::move(out)); }, path + QStringLiteral(": cannot open the session"));
    if (id == 0)
        Q_EMIT failed(tr("%1: another session is still being opened").arg(path));
}

void SessionController::openFinished(FileResult out)
{
    if (!out.loaded)
        return;
    m_autosaveTimer.stop();
    m_document->setResult(std::move(*out.loaded), false,
                          out.loadedBank ? std::move(*out.loadedBank) : ObserverBank(), std::move(out.estimates));
    m_document->setSessionPath(out.path);
    m_document->markSaved(m_document->generation());
    Q_EMIT opened(out.path);
}

} // namespace cs::app

#include "gui/session_controller.h"

#include "core/errors.h"
#include "core/platform/logging.h"
#include "core/platform/paths.h"
#include "core/session.h"
#include "gui/calibration_document.h"

#include <QDir>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

namespace cs::app {

namespace {

constexpr int kDefaultAutosaveDelayMs = 5000;

SessionController::FileResult saveJob(const CalibrationResult& result, const ObserverBank& bank, const QString& path)
{
    SessionController::FileResult out;
    out.path = path;
    try {
        QDir().mkpath(QFileInfo(path).absolutePath());
        saveSession(result, bank, path.toStdString());
    } catch (const CalibError& e) {
        out.error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        out.error = path + QStringLiteral(": cannot save the session: ") + QString::fromStdString(e.what());
    }
    return out;
}

SessionController::FileResult openJob(const QString& path)
{
    SessionController::FileResult out;
    out.path = path;
    try {
        auto bank = std::make_shared<ObserverBank>();
        out.loaded = loadSession(path.toStdString(), bank.get());
        out.loadedBank = std::move(bank);
    } catch (const CalibError& e) {
        out.error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        out.error = path + QStringLiteral(": cannot open the session: ") + QString::fromStdString(e.what());
    }
    return out;
}

} // namespace

SessionController::SessionController(CalibrationDocument* document, QObject* parent)
    : QObject(parent), m_document(document)
{
    m_autosaveTimer.setSingleShot(true);
    m_autosaveTimer.setInterval(kDefaultAutosaveDelayMs);
    connect(&m_autosaveTimer, &QTimer::timeout, this, &SessionController::autosave);
    connect(&m_saveWatcher, &QFutureWatcher<FileResult>::finished, this, &SessionController::saveFinished);
    connect(&m_openWatcher, &QFutureWatcher<FileResult>::finished, this, &SessionController::openFinished);
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
    // takeResult() leaves a finished watcher's future in NoState, which waitForFinished()
    // would wait on forever: only wait for what still runs.
    if (m_saveWatcher.isRunning())
        m_saveWatcher.waitForFinished();
    if (m_openWatcher.isRunning())
        m_openWatcher.waitForFinished();
}

bool SessionController::isBusy() const { return m_saving || m_opening; }

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
    if (m_saving) {
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
    QFuture<FileResult> future = QtConcurrent::run(
        [result = *m_document->result(), bank = std::make_shared<const ObserverBank>(m_document->bank().clone()),
         path, autosave, generation] {
            FileResult out = saveJob(result, *bank, path);
            out.autosave = autosave;
            out.generation = generation;
            return out;
        });
    m_saveWatcher.setFuture(future);
    m_saving = true;
}

void SessionController::saveFinished()
{
    const FileResult out = m_saveWatcher.future().takeResult();
    m_saving = false;
    if (!out.error.isEmpty()) {
        Q_EMIT failed(out.error);
    } else if (out.autosave) {
        logInfo("Autosaved to " + out.path.toStdString());
        Q_EMIT autosaved(out.path);
    } else {
        m_document->setSessionPath(out.path);
        m_document->markSaved(out.generation);
        logInfo("Saved session " + out.path.toStdString());
        Q_EMIT saved(out.path);
    }
    if (m_queuedSave) {
        const auto [path, autosave] = *m_queuedSave;
        m_queuedSave.reset();
        startSave(path, autosave);
    }
}

void SessionController::open(const QString& path)
{
    if (m_opening) {
        Q_EMIT failed(tr("%1: another session is still being opened").arg(path));
        return;
    }
    logInfo("Opening session " + path.toStdString());
    m_openWatcher.setFuture(QtConcurrent::run([path] { return openJob(path); }));
    m_opening = true;
}

void SessionController::openFinished()
{
    FileResult out = m_openWatcher.future().takeResult();
    m_opening = false;
    if (!out.error.isEmpty() || !out.loaded) {
        Q_EMIT failed(out.error);
        return;
    }
    m_autosaveTimer.stop();
    m_document->setResult(std::move(*out.loaded), false,
                          out.loadedBank ? std::move(*out.loadedBank) : ObserverBank());
    m_document->setSessionPath(out.path);
    m_document->markSaved(m_document->generation());
    Q_EMIT opened(out.path);
}

} // namespace cs::app

#include "gui/calibration_controller.h"

#include "core/platform/logging.h"

#include <QThread>

#include <algorithm>

namespace cs::app {

CalibrationController::CalibrationController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<cs::CalibrationResult>();
    m_work = [](const CalibrationConfig& config, const ProgressCallback& progress, ObserverBank* bank) {
        return runCalibration(config, progress, bank);
    };
    m_runner.setParent(this);
    connect(&m_runner, &JobRunner::runningChanged, this, &CalibrationController::runningChanged);
    connect(&m_runner, &JobRunner::progressChanged, this, &CalibrationController::progressChanged);
    // Only the newest job reaches these: the runner drops what was superseded, so the
    // purpose is that of the job they describe.
    connect(&m_runner, &JobRunner::failed, this,
            [this](const QString& message) { Q_EMIT calibrationFailed(message, m_purpose); });
    connect(&m_runner, &JobRunner::cancelled, this, [this] {
        logInfo("Calibration cancelled");
        Q_EMIT calibrationCancelled(m_purpose);
    });
}

CalibrationController::~CalibrationController() { shutdown(); }

int CalibrationController::workerThreads() { return std::max(1, QThread::idealThreadCount() - 1); }

bool CalibrationController::isRunning() const { return m_runner.isRunning(); }

quint64 CalibrationController::start(CalibrationConfig config, Purpose purpose)
{
    m_purpose = purpose;
    if (config.threads <= 0)
        config.threads = workerThreads();
    logInfo("Calibrating " + config.modelPath + " on " + config.data.path + " (" + std::to_string(config.threads)
            + " threads)");
    const QString context = QString::fromStdString(config.modelPath) + QStringLiteral(": calibration failed");
    return m_runner.start(
        [work = m_work, config = std::move(config)](const ProgressCallback& progress) {
            // The bank travels beside the result value; a shared pointer keeps the pair copyable.
            auto bank = std::make_shared<ObserverBank>();
            CalibrationResult result = work(config, progress, bank.get());
            return std::make_pair(std::move(result), std::move(bank));
        },
        [this, purpose](std::pair<CalibrationResult, std::shared_ptr<ObserverBank>> run) {
            Q_EMIT calibrationAvailable(run.first, purpose, run.second);
        },
        context);
}

void CalibrationController::cancel() { m_runner.cancel(); }

void CalibrationController::shutdown() { m_runner.shutdown(); }

} // namespace cs::app

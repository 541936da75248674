#include "gui/exchange_controller.h"

#include "core/errors.h"
#include "core/exchange/checkpoint.h"
#include "core/exchange/fakequant_export.h"
#include "core/exchange/qconfig.h"
#include "core/platform/logging.h"
#include "core/session.h"
#include "gui/calibration_document.h"

#include <QDir>
#include <QFileInfo>

namespace cs::app {

namespace {

ExchangeController::ExportOutcome runExport(const CalibrationResult& result, const ExportRequest& request,
                                            const QString& sessionPath)
{
    // What fails throws: the job runner turns it into the message the user sees.
    ExchangeController::ExportOutcome out;
    const auto prepare = [](const QString& path) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        return path.toStdString();
    };
    if (!request.qconfig.isEmpty()) {
        saveQconfig(result, prepare(request.qconfig), request.qatMode);
        out.written << request.qconfig;
    }
    if (!request.checkpoint.isEmpty()) {
        // The modes that keep the batch norm unfold repaired parameters with the model's BN.
        const UnfoldedRepairMap unfolded = needsUnfoldedRepairs(result, request.qatMode)
                                               ? unfoldedRepairs(result, locateModel(result, sessionPath.toStdString()))
                                               : UnfoldedRepairMap{};
        saveCheckpoint(result, prepare(request.checkpoint), request.qatMode, unfolded);
        out.written << request.checkpoint;
    }
    if (!request.fakeQuantModel.isEmpty()) {
        const std::string model = locateModel(result, sessionPath.toStdString());
        saveFakeQuantModel(result, model, prepare(request.fakeQuantModel), request.qatMode);
        out.written << request.fakeQuantModel;
    }
    return out;
}

} // namespace

ExchangeController::ExchangeController(CalibrationDocument* document, QObject* parent)
    : QObject(parent), m_document(document)
{
    m_runner.setParent(this);
    connect(&m_runner, &JobRunner::failed, this, &ExchangeController::failed);
}

ExchangeController::~ExchangeController() { shutdown(); }

void ExchangeController::shutdown() { m_runner.shutdown(); }

void ExchangeController::exportFiles(const ExportRequest& request)
{
    if (!m_document->hasResult() || request.isEmpty())
        return;
    if (m_runner.isRunning()) {
        Q_EMIT failed(tr("An export is still being written"));
        return;
    }
    // The exports read only the results (a plain value), not the live observers.
    CalibrationResult snapshot = *m_document->result();
    const QString sessionPath = m_document->sessionPath();
    m_runner.start(
        [snapshot = std::move(snapshot), request, sessionPath](const ProgressCallback&) {
            return runExport(snapshot, request, sessionPath);
        },
        [this](const ExportOutcome& out) { exportFinished(out); }, QStringLiteral("export failed"));
}

void ExchangeController::exportFinished(const ExportOutcome& out)
{
    for (const QString& path : out.written)
        logInfo("Exported " + path.toStdString());
    Q_EMIT exported(out.written);
}

ImportReport ExchangeController::checkImport(const QString& path, const ImportOptions& options) const
{
    if (!m_document->hasResult())
        throw CalibError(path.toStdString(), "nothing to import into: calibrate or open a session first");
    return cs::checkImport(*m_document->result(), path.toStdString(), options);
}

ImportReport ExchangeController::applyImport(const ImportReport& checked)
{
    if (!m_document->hasResult())
        return checked;
    CalibrationResult next = *m_document->result();
    ObserverBank nextBank = m_document->bank().clone();
    ImportReport outcome = cs::applyImport(next, nextBank, checked);
    m_document->replacePlan(std::move(next), std::move(nextBank), tr("Import %1").arg(QFileInfo(QString::fromStdString(checked.path)).fileName()));
    // What needs the data again becomes an ordinary edit: the document re-runs for it.
    std::map<std::string, ObserverConfig> rerun;
    for (const ImportEntry& e : outcome.entries)
        if (e.status == ImportStatus::NeedsData && e.point == "activation")
            rerun[e.op] = e.config;
    if (!rerun.empty())
        m_document->editPoints(rerun, tr("Import: configurations that need the data again"));
    logInfo(outcome.text());
    return outcome;
}

} // namespace cs::app

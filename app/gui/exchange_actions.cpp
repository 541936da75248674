#include "gui/exchange_actions.h"

#include "core/errors.h"
#include "core/platform/logging.h"
#include "gui/calibration_document.h"
#include "gui/exchange_controller.h"
#include "gui/export_dialog.h"
#include "gui/file_dialogs.h"
#include "gui/import_dialog.h"
#include "gui/report_export.h"
#include "widgets/job_progress.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>

namespace cs::app {

ExchangeActions::ExchangeActions(CalibrationDocument* document, ui::JobProgress* progress, QWidget* window,
                                 std::function<QString()> sessionPath, QObject* parent)
    : QObject(parent), m_document(document), m_exchange(new ExchangeController(document, this)),
      m_progress(progress), m_window(window), m_sessionPath(std::move(sessionPath))
{
    connect(m_exchange, &ExchangeController::exported, this, [this](const QStringList& paths) {
        m_progress->finish();
        Q_EMIT statusMessage(tr("Exported %1").arg(paths.join(QStringLiteral(", "))), 8000);
        Q_EMIT filesExported(paths);
    });
    connect(m_exchange, &ExchangeController::failed, this, [this](const QString& message) {
        m_progress->finish();
        Q_EMIT errorOccurred(message);
    });
}

ExchangeActions::~ExchangeActions() { shutdown(); }

void ExchangeActions::shutdown() { m_exchange->shutdown(); }

bool ExchangeActions::isExporting() const { return m_exchange->isExporting(); }

void ExchangeActions::addTo(QMenu* file)
{
    m_exportAction = file->addAction(tr("&Export…"));
    m_exportAction->setObjectName(QStringLiteral("actionExport"));
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    connect(m_exportAction, &QAction::triggered, this, &ExchangeActions::showExportDialog);
    m_importAction = file->addAction(tr("&Import qconfig…"));
    m_importAction->setObjectName(QStringLiteral("actionImport"));
    connect(m_importAction, &QAction::triggered, this, [this] {
        openFileDialog(m_window, tr("Import qconfig"), tr("qconfig JSON (*.json);;All files (*)"),
                       [this](const QString& path) { importQconfig(path); });
    });
    m_reportAction = file->addAction(tr("Export &Report…"));
    m_reportAction->setObjectName(QStringLiteral("actionExportReport"));
    connect(m_reportAction, &QAction::triggered, this, [this] {
        saveFileDialog(m_window, tr("Export report"), tr("HTML report (*.html)"), QStringLiteral("html"),
                       [this](const QString& path) { exportReport(path); },
                       exportBasePath() + QStringLiteral(".report.html"));
    });
}

void ExchangeActions::setEnabled(bool enabled)
{
    m_exportAction->setEnabled(enabled);
    m_importAction->setEnabled(enabled);
    m_reportAction->setEnabled(enabled);
}

QString ExchangeActions::exportBasePath() const
{
    const QFileInfo info(m_sessionPath());
    return info.absolutePath() + QLatin1Char('/') + info.completeBaseName();
}

ExportDialog* ExchangeActions::showExportDialog()
{
    if (!m_document->hasResult())
        return nullptr;
    auto* dialog = new ExportDialog(exportBasePath(), m_window);
    dialog->setObjectName(QStringLiteral("exportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { exportFiles(dialog->request()); });
    dialog->open();
    return dialog;
}

void ExchangeActions::exportFiles(const ExportRequest& request)
{
    if (!m_document->hasResult()) {
        // Never the files of a calibration that is no longer open.
        Q_EMIT errorOccurred(tr("Export needs a calibration of the open model: calibrate or open a session first."));
        return;
    }
    m_progress->start(tr("Exporting"));
    m_exchange->exportFiles(request);
}

ImportDialog* ExchangeActions::importQconfig(const QString& path)
{
    if (!m_document->hasResult()) {
        Q_EMIT errorOccurred(tr("%1: calibrate or open a session before importing a qconfig").arg(path));
        return nullptr;
    }
    ImportDialog* dialog = nullptr;
    try {
        // Read once up front, so that an unreadable file is an error and not an empty dialog.
        m_exchange->checkImport(path, {});
        dialog = new ImportDialog(
            path, [this, path](const ImportOptions& options) { return m_exchange->checkImport(path, options); },
            m_window);
    } catch (const CalibError& e) {
        Q_EMIT errorOccurred(QString::fromStdString(e.what()));
        return nullptr;
    }
    dialog->setObjectName(QStringLiteral("importDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const ImportReport outcome = m_exchange->applyImport(dialog->report());
        const int applied = outcome.count(ImportStatus::Recomputed) + outcome.count(ImportStatus::ValuesFromFile);
        Q_EMIT statusMessage(tr("Imported %1: %n change(s) applied", nullptr, applied)
                                 .arg(QFileInfo(QString::fromStdString(outcome.path)).fileName()),
                             8000);
        Q_EMIT qconfigImported(QString::fromStdString(outcome.path));
    });
    dialog->open();
    return dialog;
}

void ExchangeActions::exportReport(const QString& path)
{
    if (!m_document->hasResult())
        return;
    // Drawn by the GUI's own widgets on this thread; a few hundred milliseconds at most.
    const QString error = exportHtmlReport(m_document->sharedResult(), path);
    if (!error.isEmpty()) {
        Q_EMIT errorOccurred(error);
        return;
    }
    logInfo("Exported report " + path.toStdString());
    Q_EMIT statusMessage(tr("Exported report %1").arg(path), 8000);
    Q_EMIT reportExported(path);
}

} // namespace cs::app

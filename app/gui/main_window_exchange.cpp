// File ▸ Export…, Import… and Export Report…: the main window's side of the exchange
// controller and the report writer.
#include "gui/main_window.h"

#include "core/errors.h"
#include "core/platform/logging.h"
#include "gui/calibration_document.h"
#include "gui/exchange_controller.h"
#include "gui/export_dialog.h"
#include "gui/file_dialogs.h"
#include "gui/import_dialog.h"
#include "widgets/job_progress.h"
#include "gui/report_export.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QStatusBar>

namespace cs::app {

void MainWindow::createExchangeActions(QMenu* file)
{
    m_exportAction = file->addAction(tr("&Export…"));
    m_exportAction->setObjectName(QStringLiteral("actionExport"));
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    connect(m_exportAction, &QAction::triggered, this, &MainWindow::showExportDialog);
    m_importAction = file->addAction(tr("&Import qconfig…"));
    m_importAction->setObjectName(QStringLiteral("actionImport"));
    connect(m_importAction, &QAction::triggered, this, [this] {
        openFileDialog(this, tr("Import qconfig"), tr("qconfig JSON (*.json);;All files (*)"),
                       [this](const QString& path) { importQconfig(path); });
    });
    m_reportAction = file->addAction(tr("Export &Report…"));
    m_reportAction->setObjectName(QStringLiteral("actionExportReport"));
    connect(m_reportAction, &QAction::triggered, this, [this] {
        saveFileDialog(this, tr("Export report"), tr("HTML report (*.html)"), QStringLiteral("html"),
                       [this](const QString& path) { exportReport(path); });
    });
}

QString MainWindow::exportBasePath() const
{
    QString base = m_document->sessionPath();
    if (base.isEmpty())
        base = m_modelPath;
    const QFileInfo info(base);
    return info.absolutePath() + QLatin1Char('/') + info.completeBaseName();
}

ExportDialog* MainWindow::showExportDialog()
{
    if (!m_document->hasResult())
        return nullptr;
    auto* dialog = new ExportDialog(exportBasePath(), this);
    dialog->setObjectName(QStringLiteral("exportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { exportFiles(dialog->request()); });
    dialog->open();
    return dialog;
}

void MainWindow::exportFiles(const ExportRequest& request)
{
    m_jobProgress->start(tr("Exporting"));
    m_exchange->exportFiles(request);
}

ImportDialog* MainWindow::importQconfig(const QString& path)
{
    if (!m_document->hasResult()) {
        showError(tr("%1: calibrate or open a session before importing a qconfig").arg(path));
        return nullptr;
    }
    ImportDialog* dialog = nullptr;
    try {
        // Read once up front, so that an unreadable file is an error and not an empty dialog.
        m_exchange->checkImport(path, {});
        dialog = new ImportDialog(
            path, [this, path](const ImportOptions& options) { return m_exchange->checkImport(path, options); }, this);
    } catch (const CalibError& e) {
        showError(QString::fromStdString(e.what()));
        return nullptr;
    }
    dialog->setObjectName(QStringLiteral("importDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const ImportReport outcome = m_exchange->applyImport(dialog->report());
        const int applied = outcome.count(ImportStatus::Recomputed) + outcome.count(ImportStatus::ValuesFromFile);
        statusBar()->showMessage(tr("Imported %1: %n change(s) applied", nullptr, applied)
                                     .arg(QFileInfo(QString::fromStdString(outcome.path)).fileName()),
                                 8000);
        Q_EMIT qconfigImported(QString::fromStdString(outcome.path));
    });
    dialog->open();
    return dialog;
}

void MainWindow::exportReport(const QString& path)
{
    if (!m_document->hasResult())
        return;
    // Drawn by the GUI's own widgets on this thread; a few hundred milliseconds at most.
    const QString error = exportHtmlReport(m_document->sharedResult(), path);
    if (!error.isEmpty()) {
        showError(error);
        return;
    }
    logInfo("Exported report " + path.toStdString());
    statusBar()->showMessage(tr("Exported report %1").arg(path), 8000);
    Q_EMIT reportExported(path);
}

void MainWindow::connectExchange()
{
    connect(m_exchange, &ExchangeController::exported, this, [this](const QStringList& paths) {
        m_jobProgress->finish();
        statusBar()->showMessage(tr("Exported %1").arg(paths.join(QStringLiteral(", "))), 8000);
        Q_EMIT filesExported(paths);
    });
    connect(m_exchange, &ExchangeController::failed, this, [this](const QString& message) {
        m_jobProgress->finish();
        showError(message);
    });
}

} // namespace cs::app

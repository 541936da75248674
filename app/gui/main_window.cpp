#include "gui/main_window.h"

#include "core/platform/logging.h"
#include "gui/about_dialog.h"
#include "gui/analysis_page.h"
#include "gui/app_menus.h"
#include "gui/calibration_document.h"
#include "gui/calibration_workflow.h"
#include "gui/compare_session.h"
#include "gui/data_choices.h"
#include "gui/document_header.h"
#include "gui/exchange_actions.h"
#include "gui/file_dialogs.h"
#include "gui/help_menu.h"
#include "gui/language_switch.h"
#include "gui/plan_editor.h"
#include "gui/points_page.h"
#include "gui/repair_page.h"
#include "gui/settings.h"
#include "gui/unsaved_changes.h"
#include "widgets/job_progress.h"
#include "widgets/log_view.h"
#include "widgets/parameter_panel.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include <type_traits>
#include <utility>

namespace cs::app {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("calibscope"));
    resize(1400, 900);

    m_document = new CalibrationDocument(this);
    m_data = new DataChoices(this);

    setCentralWidget(buildCentral());
    buildDocks();
    m_jobProgress = new ui::JobProgress(this);
    statusBar()->addPermanentWidget(m_jobProgress);
    connect(m_jobProgress, &ui::JobProgress::cancelRequested, this, &MainWindow::cancelJob);

    m_editor = new PlanEditor(m_document, m_points->pointModel(), m_points->pointTable(), m_points->histogram(),
                              m_panel, m_points->weights(), this);
    m_analysis = new AnalysisPage(m_document, m_data,
                                  {m_points->pointModel(), m_points->pointTable(), m_points->histogram(),
                                   m_points->tableTabs(), m_points->inspectorTabs(), m_jobProgress},
                                  this);
    m_repair = new RepairPage(m_document, m_analysis,
                              {m_points->tableTabs(), m_points->weights(), m_points->pointTable(),
                               m_points->pointModel(), m_jobProgress},
                              this);
    m_workflow = new CalibrationWorkflow({m_document, m_data, m_points, m_analysis, m_jobProgress, this}, this);
    m_exchange = new ExchangeActions(m_document, m_jobProgress, this,
                                     [this] { return m_workflow->proposedSessionPath(); }, this);
    m_unsaved = new UnsavedChangesPrompt(m_document, m_workflow, this);
    m_language = new LanguageSwitch(
        this, {[this](const QString& question, std::function<void()> proceed) { askToSave(question, std::move(proceed)); },
               [this] { return m_document->sessionPath(); },
               // The demo reopens by itself, with its data.
               [this] { return m_workflow->demoAccuracy() >= 0 ? QString() : m_workflow->modelPath(); },
               [this] {
                   m_closeConfirmed = true;
                   close();
               }});
    connectFeatures();
    createActions();
    updateHeader();
    updateActions();
    // "Ready" only when it is true: a message that times out gives way to it unless a job runs.
    connect(statusBar(), &QStatusBar::messageChanged, this, [this](const QString& message) {
        if (message.isEmpty() && !isBusy())
            statusBar()->showMessage(tr("Ready"));
    });
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow()
{
    // Workers must not outlive the window whose slots their results are queued to.
    m_workflow->shutdown();
    m_exchange->shutdown();
    m_analysis->shutdown();
    m_repair->shutdown();
}

QWidget* MainWindow::buildCentral()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_header = new DocumentHeader(central);
    m_points = new PointsPage(m_document, central, this);
    layout->addWidget(m_header);
    layout->addWidget(m_points->widget(), 1);
    return central;
}

void MainWindow::buildDocks()
{
    m_panel = new ui::ParameterPanel(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* panelDock = new QDockWidget(tr("Parameters"), this);
    panelDock->setObjectName(QStringLiteral("parameterDock"));
    panelDock->setWidget(scroll);
    addDockWidget(Qt::RightDockWidgetArea, panelDock);
    resizeDocks({panelDock}, {320}, Qt::Horizontal);

    m_log = new ui::LogView(this);
    auto* logDock = new QDockWidget(tr("Log"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    resizeDocks({logDock}, {120}, Qt::Vertical);
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openModel = file->addAction(tr("Open &Model…"));
    openModel->setShortcut(QKeySequence::Open);
    connect(openModel, &QAction::triggered, this, [this] {
        openFileDialog(this, tr("Open TorchScript model"), tr("TorchScript models (*.pt *.pth *.ts);;All files (*)"),
                       [this](const QString& path) { this->openModel(path); });
    });
    QAction* openDataset = file->addAction(tr("Open &Dataset…"));
    openDataset->setObjectName(QStringLiteral("actionOpenDataset"));
    connect(openDataset, &QAction::triggered, this, &MainWindow::showDatasetDialog);
    connect(file->addAction(tr("Load &Demo")), &QAction::triggered, this, &MainWindow::openDemo);
    QAction* openSession = file->addAction(tr("Open &Session…"));
    connect(openSession, &QAction::triggered, this, [this] {
        openFileDialog(this, tr("Open session"), tr("calibscope sessions (*.cscope);;All files (*)"),
                       [this](const QString& path) { this->openSession(path); });
    });
    AppMenus::addRecentMenu(file, {[this](const QString& p) { this->openSession(p); },
                                   [this](const QString& p) { this->openModel(p); },
                                   [this](const QString& p) { this->openDataset(p); }});
    addCompareSessionAction(file, this, m_document);
    file->addSeparator();
    m_saveAction = file->addAction(tr("&Save Session"));
    m_saveAction->setObjectName(QStringLiteral("actionSave"));
    m_saveAction->setShortcut(QKeySequence::Save);
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::save);
    m_saveAsAction = file->addAction(tr("Save Session &As…"));
    m_saveAsAction->setShortcut(QKeySequence::SaveAs);
    connect(m_saveAsAction, &QAction::triggered, this, &MainWindow::saveAs);
    file->addSeparator();
    m_exchange->addTo(file);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    m_undoAction = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    m_undoAction->setObjectName(QStringLiteral("actionUndo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_redoAction = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    m_redoAction->setObjectName(QStringLiteral("actionRedo"));
    m_redoAction->setShortcut(QKeySequence::Redo);
    edit->addAction(m_undoAction);
    edit->addAction(m_redoAction);

    QMenu* run = menuBar()->addMenu(tr("&Calibration"));
    m_calibrateAction = run->addAction(tr("&Calibrate"));
    m_calibrateAction->setObjectName(QStringLiteral("actionCalibrate"));
    m_calibrateAction->setShortcut(Qt::Key_F5);
    connect(m_calibrateAction, &QAction::triggered, this, &MainWindow::calibrate);
    m_cancelAction = run->addAction(tr("C&ancel"));
    m_cancelAction->setObjectName(QStringLiteral("actionCancel"));
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::cancelJob);
    run->addSeparator();
    m_evaluateAction = run->addAction(tr("&Evaluate"));
    m_evaluateAction->setObjectName(QStringLiteral("actionEvaluate"));
    m_evaluateAction->setShortcut(Qt::Key_F6);
    m_evaluateAction->setToolTip(tr("Float vs quantized on the validation data: accuracy, per-point errors, "
                                    "sensitivity"));
    connect(m_evaluateAction, &QAction::triggered, m_analysis, &AnalysisPage::evaluateFromMenu);
    QAction* validation = run->addAction(tr("&Validation Data…"));
    validation->setObjectName(QStringLiteral("actionValidationData"));
    connect(validation, &QAction::triggered, this, &MainWindow::showValidationDialog);
    run->addSeparator();
    QAction* repair = run->addAction(tr("&Repair…"));
    repair->setObjectName(QStringLiteral("actionRepair"));
    repair->setToolTip(tr("Bias correction, weight clipping, equalization, AdaRound, plan search"));
    connect(repair, &QAction::triggered, m_repair, &RepairPage::showPage);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    AppMenus::addLanguageMenu(view, [this](const QString& code) { m_language->choose(code); });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    addHelpEntries(help, this);
    connect(help->addAction(tr("&About calibscope")), &QAction::triggered, this,
            [this] { showAboutDialog(this); });
}

void MainWindow::connectFeatures()
{
    // Every feature reports its errors and status lines through the main window.
    const auto connectMessages = [this](auto* source) {
        using Source = std::remove_pointer_t<decltype(source)>;
        connect(source, &Source::errorOccurred, this, &MainWindow::showError);
        connect(source, &Source::statusMessage, this, &MainWindow::showStatus);
    };
    connectMessages(m_workflow);
    connectMessages(m_analysis);
    connectMessages(m_repair);
    connectMessages(m_exchange);

    connect(m_data, &DataChoices::datasetChanged, this, [this] {
        updateHeader();
        updateActions();
    });
    connect(m_workflow, &CalibrationWorkflow::stateChanged, this, [this] {
        updateHeader();
        updateTitle();
        updateActions();
    });
    connect(m_workflow, &CalibrationWorkflow::modelLoaded, this, &MainWindow::modelLoaded);
    connect(m_workflow, &CalibrationWorkflow::calibrationFinished, this, &MainWindow::calibrationFinished);
    connect(m_workflow, &CalibrationWorkflow::sessionOpened, this, &MainWindow::sessionOpened);
    connect(m_workflow, &CalibrationWorkflow::sessionSaved, this, &MainWindow::sessionSaved);
    connect(m_document, &CalibrationDocument::editFailed, this, &MainWindow::showError);
    connect(m_document, &CalibrationDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &CalibrationDocument::sessionPathChanged, this, &MainWindow::updateTitle);
    connect(m_document, &CalibrationDocument::resultReplaced, this, &MainWindow::updateActions);

    connect(m_analysis, &AnalysisPage::evaluatingChanged, this, &MainWindow::updateActions);
    connect(m_analysis, &AnalysisPage::evaluationFinished, this, &MainWindow::evaluationFinished);
    connect(m_analysis, &AnalysisPage::pointMeasured, this, &MainWindow::pointMeasured);

    connect(m_repair, &RepairPage::runningChanged, this, &MainWindow::updateActions);

    connect(m_exchange, &ExchangeActions::filesExported, this, &MainWindow::filesExported);
    connect(m_exchange, &ExchangeActions::qconfigImported, this, &MainWindow::qconfigImported);
    connect(m_exchange, &ExchangeActions::reportExported, this, &MainWindow::reportExported);
}

bool MainWindow::isBusy() const
{
    return m_workflow->isBusy() || m_exchange->isExporting() || m_analysis->isEvaluating() || m_repair->isRunning();
}

void MainWindow::updateHeader()
{
    m_header->update(m_workflow->modelPath(), m_points->summary(), m_workflow->demoAccuracy(), *m_data);
}

void MainWindow::updateTitle()
{
    QString name;
    if (!m_document->sessionPath().isEmpty())
        name = QFileInfo(m_document->sessionPath()).fileName();
    else if (!m_workflow->modelPath().isEmpty())
        name = QFileInfo(m_workflow->modelPath()).fileName();
    // [*] is where Qt shows the modified marker.
    setWindowTitle(name.isEmpty() ? tr("calibscope") + QStringLiteral("[*]") : tr("%1[*] — calibscope").arg(name));
    setWindowModified(m_document->isModified());
}

void MainWindow::updateActions()
{
    // A fresh calibration replaces the plan and its history: no edits meanwhile. A re-run
    // does not: edits made during it are reconciled with its result.
    const bool replacing = m_workflow->isReplacing();
    const bool editable = m_document->hasResult() && !replacing;
    m_calibrateAction->setEnabled(!m_workflow->modelPath().isEmpty() && m_data->hasDataset()
                                  && !m_workflow->isLoading());
    m_cancelAction->setEnabled(isBusy());
    m_saveAction->setEnabled(m_document->hasResult());
    m_saveAsAction->setEnabled(m_document->hasResult());
    m_evaluateAction->setEnabled(editable && !m_analysis->isEvaluating());
    m_exchange->setEnabled(editable);
    m_editor->setEditable(editable);
    m_repair->setRepairable(editable);
    m_undoAction->setEnabled(!replacing && m_document->undoStack()->canUndo());
    m_redoAction->setEnabled(!replacing && m_document->undoStack()->canRedo());
    updateIdleStatus();
}

void MainWindow::updateIdleStatus()
{
    const QString ready = tr("Ready");
    if (isBusy()) {
        if (statusBar()->currentMessage() == ready)
            statusBar()->clearMessage();
    } else if (statusBar()->currentMessage().isEmpty()) {
        statusBar()->showMessage(ready);
    }
}

void MainWindow::showStatus(const QString& message, int timeoutMs)
{
    if (message == tr("Ready") && isBusy())
        return; // the progress in the status bar says what is going on
    statusBar()->showMessage(message, timeoutMs);
}

void MainWindow::showError(const QString& message)
{
    logError(message.toStdString());
    statusBar()->showMessage(tr("Failed"), 5000);
    // Window-modal and non-blocking: the event loop (and any running job) keeps going.
    auto* box = new QMessageBox(QMessageBox::Critical, tr("calibscope"), message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    Q_EMIT errorShown(message);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_document->isModified() && !m_closeConfirmed) {
        event->ignore();
        askToSave(tr("The calibration has unsaved changes. Save them before closing?"), [this] {
            m_closeConfirmed = true;
            close();
        });
        return;
    }
    settings::windowGeometry.setValue(saveGeometry());
    settings::windowState.setValue(saveState(kWindowStateVersion));
    m_workflow->calibrations()->cancel();
    QMainWindow::closeEvent(event);
}

void MainWindow::askToSave(const QString& question, std::function<void()> proceed)
{
    m_unsaved->ask(question, std::move(proceed));
}

// The features' operations, under the names the menus and the tests know.
// Another model or session is a new document: the unsaved work of this one is saved or
// discarded first, never silently kept under the new model's header.
void MainWindow::openModel(const QString& path)
{
    askToSave(tr("The calibration has unsaved changes. Save them before opening another model?"),
              [this, path] { m_workflow->openModel(path); });
}
void MainWindow::openDemo()
{
    askToSave(tr("The calibration has unsaved changes. Save them before opening another model?"),
              [this] { m_workflow->openDemo(); });
}
void MainWindow::openDataset(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        showError(tr("%1: no such file or folder").arg(path));
        return;
    }
    m_data->openDataset(info.absoluteFilePath());
}
void MainWindow::setDataset(const DatasetSpec& spec, int batchSize, int numBatches)
{
    m_data->setDataset(spec, batchSize, numBatches);
}
void MainWindow::showDatasetDialog()
{
    m_data->showDatasetDialog(this, [this](const QString& message) { showError(message); });
}
void MainWindow::calibrate() { m_workflow->calibrate(); }
void MainWindow::cancelJob()
{
    m_workflow->cancel();
    m_analysis->cancel();
    m_repair->cancel();
}
void MainWindow::openSession(const QString& path)
{
    askToSave(tr("The calibration has unsaved changes. Save them before opening another session?"),
              [this, path] { m_workflow->openSession(path); });
}
void MainWindow::saveSession(const QString& path) { m_workflow->saveSession(path); }
void MainWindow::save() { m_workflow->save(); }
void MainWindow::saveAs() { m_workflow->saveAs(); }
bool MainWindow::evaluate(int maxImages, bool sensitivity) { return m_analysis->evaluate(maxImages, sensitivity); }
DatasetSpec MainWindow::validationData() const { return m_analysis->validationData(); }
void MainWindow::setValidationData(const DatasetSpec& spec) { m_data->setValidation(spec); }
void MainWindow::showValidationDialog() { m_analysis->showValidationDialog(this); }
void MainWindow::useObserver(const QString& point, const QString& observer) { m_analysis->useObserver(point, observer); }
void MainWindow::protectPoints(const QStringList& points, const QString& action)
{
    m_analysis->protectPoints(points, action);
}
void MainWindow::measurePoint(const QString& point) { m_analysis->measurePoint(point); }
void MainWindow::showPoint(const QString& point) { m_analysis->showPoint(point); }
ExportDialog* MainWindow::showExportDialog() { return m_exchange->showExportDialog(); }
void MainWindow::exportFiles(const ExportRequest& request) { m_exchange->exportFiles(request); }
ImportDialog* MainWindow::importQconfig(const QString& path) { return m_exchange->importQconfig(path); }
void MainWindow::exportReport(const QString& path) { m_exchange->exportReport(path); }

void MainWindow::restoreLayout()
{
    if (!restoreGeometry(settings::windowGeometry.value()))
        // The first start: the default size, but never larger than the screen.
        if (const QScreen* screen = this->screen())
            resize(size().boundedTo(screen->availableGeometry().size()));
    restoreState(settings::windowState.value(), kWindowStateVersion);
}

} // namespace cs::app

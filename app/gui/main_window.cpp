#include "gui/main_window.h"

#include "core/platform/logging.h"
#include "gui/calibration_document.h"
#include "gui/evaluation_controller.h"
#include "gui/exchange_controller.h"
#include "gui/file_dialogs.h"
#include "gui/model_load_controller.h"
#include "gui/plan_editor.h"
#include "gui/session_controller.h"
#include "gui/settings.h"
#include "widgets/histogram_view.h"
#include "widgets/job_progress.h"
#include "widgets/log_view.h"
#include "widgets/op_table_model.h"
#include "widgets/parameter_panel.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"
#include "widgets/weights_view.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

namespace cs::app {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("calibscope"));
    resize(1400, 900);

    m_document = new CalibrationDocument(this);
    m_calibration = new CalibrationController(this);
    m_loader = new ModelLoadController(this);
    m_sessions = new SessionController(m_document, this);
    m_exchange = new ExchangeController(m_document, this);

    setCentralWidget(buildCentral());
    buildDocks();
    m_jobProgress = new ui::JobProgress(this);
    statusBar()->addPermanentWidget(m_jobProgress);
    connect(m_jobProgress, &ui::JobProgress::cancelRequested, this, &MainWindow::cancelJob);

    m_editor = new PlanEditor(m_document, m_pointModel, m_pointTable, m_histogram, m_panel, m_weights, this);
    buildAnalysisViews();
    connectControllers();
    connectAnalysis();
    connectExchange();
    createActions();
    updateHeader();
    updateActions();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow()
{
    // Workers must not outlive the window whose slots their results are queued to.
    m_calibration->shutdown();
    m_loader->shutdown();
    m_sessions->shutdown();
    m_exchange->shutdown();
    m_evaluation->shutdown();
    m_measurement->shutdown();
}

QWidget* MainWindow::buildCentral()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_modelLabel = new QLabel(central);
    m_modelLabel->setObjectName(QStringLiteral("modelLabel"));
    m_modelLabel->setWordWrap(true);
    m_modelLabel->setTextFormat(Qt::PlainText);
    m_datasetLabel = new QLabel(central);
    m_datasetLabel->setObjectName(QStringLiteral("datasetLabel"));
    m_datasetLabel->setWordWrap(true);
    m_datasetLabel->setTextFormat(Qt::PlainText);

    m_pointModel = new ui::PointTableModel(this);
    m_pointTable = new ui::PointTableView(m_pointModel, central);

    // The op table lists every op of the graph (views, fused ops), points or not.
    m_opModel = new ui::OpTableModel(this);
    m_opProxy = new QSortFilterProxyModel(this);
    m_opProxy->setSourceModel(m_opModel);
    m_opProxy->setSortRole(ui::OpTableModel::SortRole);
    m_opProxy->setFilterKeyColumn(-1);
    m_opProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    auto* opPage = new QWidget(central);
    auto* opLayout = new QVBoxLayout(opPage);
    opLayout->setContentsMargins(0, 0, 0, 0);
    m_opFilter = new QLineEdit(opPage);
    m_opFilter->setObjectName(QStringLiteral("opFilter"));
    m_opFilter->setPlaceholderText(tr("Filter ops by name, kind or module…"));
    m_opFilter->setClearButtonEnabled(true);
    connect(m_opFilter, &QLineEdit::textChanged, m_opProxy, &QSortFilterProxyModel::setFilterFixedString);
    m_opTable = new QTableView(opPage);
    m_opTable->setObjectName(QStringLiteral("opTable"));
    m_opTable->setModel(m_opProxy);
    m_opTable->setSortingEnabled(true);
    m_opTable->sortByColumn(ui::OpTableModel::Index, Qt::AscendingOrder);
    m_opTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_opTable->verticalHeader()->hide();
    m_opTable->horizontalHeader()->setStretchLastSection(true);
    m_opTable->verticalHeader()->setDefaultSectionSize(m_opTable->fontMetrics().height() + 6);
    m_opTable->setAlternatingRowColors(true);
    opLayout->addWidget(m_opFilter);
    opLayout->addWidget(m_opTable, 1);
    // Picking an op shows the point that quantizes it (itself, the end of its fused chain,
    // or the producer a view shares).
    connect(m_opTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        const QString name = index.data(ui::OpTableModel::OpNameRole).toString();
        const OpInfo* op = m_opModel->summary().find(name.toStdString());
        if (!op)
            return;
        const std::string point = !op->fusedInto.empty() ? op->fusedInto
                                  : op->passthrough      ? op->sharesPointWith
                                                         : op->name;
        m_pointTable->selectPoint(QString::fromStdString(point));
    });

    m_tableTabs = new QTabWidget(central);
    m_tableTabs->setObjectName(QStringLiteral("tableTabs"));
    m_tableTabs->addTab(m_pointTable, tr("Quantization points"));
    m_tableTabs->addTab(opPage, tr("All ops"));
    connect(m_document, &CalibrationDocument::resultReplaced, this, [this] {
        if (m_document->hasResult())
            m_tableTabs->setCurrentWidget(m_pointTable);
    });

    m_histogram = new ui::HistogramView(m_pointModel, central);
    m_weights = new ui::WeightsView(central);
    m_inspectorTabs = new QTabWidget(central);
    m_inspectorTabs->setObjectName(QStringLiteral("inspectorTabs"));
    m_inspectorTabs->addTab(m_histogram, tr("Histogram"));
    m_inspectorTabs->addTab(m_weights, tr("Weights"));

    auto* splitter = new QSplitter(Qt::Vertical, central);
    splitter->addWidget(m_tableTabs);
    splitter->addWidget(m_inspectorTabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(m_modelLabel);
    layout->addWidget(m_datasetLabel);
    layout->addWidget(splitter, 1);
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

const ModelSummary& MainWindow::summary() const { return m_opModel->summary(); }

bool MainWindow::isBusy() const
{
    return m_loader->isRunning() || m_calibration->isRunning() || m_sessions->isBusy() || m_exchange->isExporting()
           || m_evaluation->isRunning();
}

void MainWindow::updateHeader()
{
    const ModelSummary& s = m_opModel->summary();
    if (m_modelPath.isEmpty()) {
        m_modelLabel->setText(tr("No model loaded. Use File ▸ Open Model…, File ▸ Load Demo or File ▸ Open Session…."));
    } else {
        QString text = tr("Model: %1 — %2 ops, %3 activation points, %4 weight points, %5 parameters")
                           .arg(m_modelPath)
                           .arg(s.ops.size())
                           .arg(s.activationPointCount())
                           .arg(s.weightPointCount())
                           .arg(s.parameterCount);
        if (m_demoAccuracy >= 0)
            text += QLatin1Char('\n') + tr("Demo: Fashion-MNIST CNN, float test accuracy %1 %")
                                            .arg(m_demoAccuracy * 100.0, 0, 'f', 2);
        m_modelLabel->setText(text);
    }
    if (!m_hasDataset) {
        m_datasetLabel->setText(tr("No dataset. Use File ▸ Open Dataset… to choose the calibration data."));
    } else {
        const QString count = m_dataset.count < 0 ? tr("all samples") : tr("%1 samples").arg(m_dataset.count);
        const QString batches = m_numBatches < 0 ? tr("all batches") : tr("%1 batches").arg(m_numBatches);
        m_datasetLabel->setText(tr("Dataset: %1 (%2, from sample %3, %4) · batch size %5, %6")
                                    .arg(QString::fromStdString(m_dataset.path),
                                         QString::fromStdString(datasetFormatName(m_dataset.format)))
                                    .arg(m_dataset.start)
                                    .arg(count)
                                    .arg(m_batchSize)
                                    .arg(batches));
    }
}

void MainWindow::updateTitle()
{
    QString name;
    if (!m_document->sessionPath().isEmpty())
        name = QFileInfo(m_document->sessionPath()).fileName();
    else if (!m_modelPath.isEmpty())
        name = QFileInfo(m_modelPath).fileName();
    // [*] is where Qt shows the modified marker.
    setWindowTitle(name.isEmpty() ? tr("calibscope") + QStringLiteral("[*]") : tr("%1[*] — calibscope").arg(name));
    setWindowModified(m_document->isModified());
}

void MainWindow::updateActions()
{
    // A fresh calibration replaces the plan and its history: no edits meanwhile. A re-run
    // does not: edits made during it are reconciled with its result.
    const bool replacing = m_calibration->isRunning()
                           && m_calibration->purpose() == CalibrationController::Purpose::Calibrate;
    m_calibrateAction->setEnabled(!m_modelPath.isEmpty() && m_hasDataset && !m_loader->isRunning());
    m_cancelAction->setEnabled(isBusy());
    m_saveAction->setEnabled(m_document->hasResult());
    m_saveAsAction->setEnabled(m_document->hasResult());
    m_evaluateAction->setEnabled(m_document->hasResult() && !replacing && !m_evaluation->isRunning());
    m_exportAction->setEnabled(m_document->hasResult() && !replacing);
    m_importAction->setEnabled(m_document->hasResult() && !replacing);
    m_reportAction->setEnabled(m_document->hasResult() && !replacing);
    m_editor->setEditable(m_document->hasResult() && !replacing);
    m_undoAction->setEnabled(!replacing && m_document->undoStack()->canUndo());
    m_redoAction->setEnabled(!replacing && m_document->undoStack()->canRedo());
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
        askToSaveBeforeClosing();
        return;
    }
    settings::windowGeometry.setValue(saveGeometry());
    settings::windowState.setValue(saveState(kWindowStateVersion));
    m_calibration->cancel();
    QMainWindow::closeEvent(event);
}

void MainWindow::askToSaveBeforeClosing()
{
    if (findChild<QMessageBox*>(QStringLiteral("unsavedDialog")))
        return; // already asking
    auto* box = new QMessageBox(QMessageBox::Warning, tr("calibscope"),
                                tr("The calibration has unsaved changes. Save them before closing?"),
                                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("unsavedDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box] {
        const QMessageBox::StandardButton choice = box->standardButton(box->clickedButton());
        if (choice == QMessageBox::Discard) {
            m_closeConfirmed = true;
            close();
        } else if (choice == QMessageBox::Save) {
            // Closes once the file is written (sessionSaved), or stays open if it fails.
            if (!m_document->sessionPath().isEmpty()) {
                m_closeAfterSave = true;
                save();
            } else {
                saveFileDialog(this, tr("Save session"), tr("calibscope sessions (*.cscope)"), QStringLiteral("cscope"),
                               [this](const QString& path) {
                                   m_closeAfterSave = true;
                                   saveSession(path);
                               });
            }
        }
    });
    box->open();
}

void MainWindow::restoreLayout()
{
    restoreGeometry(settings::windowGeometry.value());
    restoreState(settings::windowState.value(), kWindowStateVersion);
}

} // namespace cs::app

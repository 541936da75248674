#include "gui/main_window.h"

#include "widgets/log_view.h"
#include "widgets/op_table_model.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace cs::app {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("calibscope"));
    resize(1280, 800);

    m_opModel = new ui::OpTableModel(this);
    m_opProxy = new QSortFilterProxyModel(this);
    m_opProxy->setSourceModel(m_opModel);
    m_opProxy->setSortRole(ui::OpTableModel::SortRole);
    m_opProxy->setFilterKeyColumn(-1);
    m_opProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_modelLabel = new QLabel(tr("No model loaded. Use File ▸ Open Model… or File ▸ Load Demo."), central);
    m_modelLabel->setObjectName(QStringLiteral("modelLabel"));
    m_modelLabel->setWordWrap(true);
    m_datasetLabel = new QLabel(tr("No dataset."), central);
    m_datasetLabel->setObjectName(QStringLiteral("datasetLabel"));
    m_filter = new QLineEdit(central);
    m_filter->setObjectName(QStringLiteral("opFilter"));
    m_filter->setPlaceholderText(tr("Filter ops by name, kind or module…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_opProxy, &QSortFilterProxyModel::setFilterFixedString);
    m_opTable = new QTableView(central);
    m_opTable->setObjectName(QStringLiteral("opTable"));
    m_opTable->setModel(m_opProxy);
    m_opTable->setSortingEnabled(true);
    m_opTable->sortByColumn(ui::OpTableModel::Index, Qt::AscendingOrder);
    m_opTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_opTable->verticalHeader()->hide();
    m_opTable->horizontalHeader()->setStretchLastSection(true);
    m_opTable->verticalHeader()->setDefaultSectionSize(m_opTable->fontMetrics().height() + 6);
    m_opTable->setAlternatingRowColors(true);
    layout->addWidget(m_modelLabel);
    layout->addWidget(m_datasetLabel);
    layout->addWidget(m_filter);
    layout->addWidget(m_opTable, 1);
    setCentralWidget(central);

    m_log = new ui::LogView(this);
    auto* logDock = new QDockWidget(tr("Log"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    resizeDocks({logDock}, {160}, Qt::Vertical);

    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(240);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancelJob);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);

    connect(&m_watcher, &QFutureWatcher<ModelLoadResult>::finished, this, &MainWindow::jobFinished);
    createActions();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow()
{
    // The worker must not outlive the window whose progress slots it calls.
    cancelJob();
    m_watcher.waitForFinished();
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openModel = file->addAction(tr("Open &Model…"));
    openModel->setShortcut(QKeySequence::Open);
    connect(openModel, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open TorchScript model"), QString(),
                                                          tr("TorchScript models (*.pt *.pth *.ts);;All files (*)"));
        if (!path.isEmpty())
            this->openModel(path);
    });
    QAction* openDataset = file->addAction(tr("Open &Dataset…"));
    connect(openDataset, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getExistingDirectory(this, tr("Open image folder or dataset folder"));
        if (!path.isEmpty())
            this->openDataset(path);
    });
    QAction* demo = file->addAction(tr("Load &Demo"));
    connect(demo, &QAction::triggered, this, &MainWindow::openDemo);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About calibscope"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About calibscope"),
                           tr("calibscope %1\nInteractive post-training-quantization calibration.")
                               .arg(QStringLiteral(CALIBSCOPE_VERSION)));
    });
}

const ModelSummary& MainWindow::summary() const { return m_opModel->summary(); }

bool MainWindow::isBusy() const { return m_watcher.isRunning(); }

void MainWindow::openModel(const QString& path)
{
    startJob(tr("Loading %1").arg(QFileInfo(path).fileName()),
             [path](const ProgressCallback& progress) { return loadModel(path, progress); });
}

void MainWindow::openDemo()
{
    startJob(tr("Preparing the demo model"), [](const ProgressCallback& progress) { return loadDemo(progress); });
}

void MainWindow::openDataset(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        showError(tr("%1: no such file or folder").arg(path));
        return;
    }
    m_datasetPath = info.absoluteFilePath();
    m_datasetLabel->setText(tr("Dataset: %1").arg(m_datasetPath));
    logInfo("Dataset selected: " + m_datasetPath.toStdString());
}

void MainWindow::startJob(const QString& description, Job job)
{
    if (m_watcher.isRunning()) {
        // A newer request supersedes the running one; its result is dropped by job id.
        cancelJob();
        m_watcher.waitForFinished();
    }
    const quint64 jobId = ++m_jobId;
    m_cancelFlag = std::make_shared<std::atomic<bool>>(false);
    auto cancelFlag = m_cancelFlag;
    QPointer<MainWindow> self(this);
    ProgressCallback progress = [self, cancelFlag, jobId](const ProgressInfo& info) {
        if (self)
            QMetaObject::invokeMethod(self, [self, info, jobId] { if (self) self->showProgress(info, jobId); },
                                      Qt::QueuedConnection);
        return !cancelFlag->load();
    };
    m_progress->setRange(0, 0);
    m_progress->show();
    m_cancel->show();
    statusBar()->showMessage(description);
    logInfo(description.toStdString());
    m_watcher.setFuture(QtConcurrent::run([job = std::move(job), progress] { return job(progress); }));
}

void MainWindow::showProgress(const ProgressInfo& info, quint64 jobId)
{
    if (jobId != m_jobId || info.total <= 0)
        return;
    m_progress->setRange(0, int(info.total));
    m_progress->setValue(int(info.done));
    statusBar()->showMessage(tr("%1: %2 of %3 (%4 images/s)")
                                 .arg(QString::fromStdString(info.stage))
                                 .arg(info.done)
                                 .arg(info.total)
                                 .arg(info.itemsPerSecond, 0, 'f', 0));
}

void MainWindow::cancelJob()
{
    if (m_cancelFlag)
        m_cancelFlag->store(true);
}

void MainWindow::jobFinished()
{
    m_progress->hide();
    m_cancel->hide();
    const ModelLoadResult result = m_watcher.result();
    if (!result.error.isEmpty()) {
        statusBar()->showMessage(tr("Failed"));
        showError(result.error);
        return;
    }
    m_opModel->setSummary(result.summary);
    m_opTable->resizeColumnsToContents();
    const QString path = QString::fromStdString(result.summary.path);
    QString text = tr("Model: %1 — %2 ops, %3 activation points, %4 weight points, %5 parameters")
                       .arg(path)
                       .arg(result.summary.ops.size())
                       .arg(result.summary.activationPointCount())
                       .arg(result.summary.weightPointCount())
                       .arg(result.summary.parameterCount);
    if (!result.demoDescription.isEmpty()) {
        text += QLatin1Char('\n') + tr("Demo: Fashion-MNIST CNN, float test accuracy %1 %")
                                        .arg(result.demoAccuracy * 100.0, 0, 'f', 2);
        m_datasetLabel->setText(tr("Dataset: Fashion-MNIST calibration split (see %1)").arg(result.demoDescription));
    }
    m_modelLabel->setText(text);
    setWindowTitle(tr("calibscope — %1").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Ready"));
    Q_EMIT modelLoaded(path);
}

void MainWindow::showError(const QString& message)
{
    logError(message.toStdString());
    // Window-modal and non-blocking: the event loop (and any running job) keeps going.
    auto* box = new QMessageBox(QMessageBox::Critical, tr("calibscope"), message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    Q_EMIT errorShown(message);
}

} // namespace cs::app

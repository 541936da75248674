// Menus and actions of the main window, recent files and the language setting.
#include "gui/main_window.h"

#include "core/platform/logging.h"
#include "gui/about_dialog.h"
#include "gui/calibration_document.h"
#include "gui/file_dialogs.h"
#include "gui/settings.h"
#include "widgets/accuracy_view.h"

#include <QAction>
#include <QActionGroup>
#include <QCheckBox>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QUndoStack>

namespace cs::app {

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
    QAction* demo = file->addAction(tr("Load &Demo"));
    connect(demo, &QAction::triggered, this, &MainWindow::openDemo);
    QAction* openSession = file->addAction(tr("Open &Session…"));
    connect(openSession, &QAction::triggered, this, [this] {
        openFileDialog(this, tr("Open session"), tr("calibscope sessions (*.cscope);;All files (*)"),
                       [this](const QString& path) { this->openSession(path); });
    });
    createRecentMenu(file);
    file->addSeparator();
    m_saveAction = file->addAction(tr("&Save Session"));
    m_saveAction->setObjectName(QStringLiteral("actionSave"));
    m_saveAction->setShortcut(QKeySequence::Save);
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::save);
    m_saveAsAction = file->addAction(tr("Save Session &As…"));
    m_saveAsAction->setShortcut(QKeySequence::SaveAs);
    connect(m_saveAsAction, &QAction::triggered, this, &MainWindow::saveAs);
    file->addSeparator();
    createExchangeActions(file);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_undoAction = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("actionUndo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_redoAction = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("actionRedo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

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
    connect(m_evaluateAction, &QAction::triggered, this, [this] {
        m_tableTabs->setCurrentWidget(m_accuracy);
        evaluate(m_accuracy->maxImages(), m_accuracy->sensitivityBox()->isChecked());
    });
    QAction* validation = run->addAction(tr("&Validation Data…"));
    validation->setObjectName(QStringLiteral("actionValidationData"));
    connect(validation, &QAction::triggered, this, &MainWindow::showValidationDialog);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    createLanguageMenu(view);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About calibscope"));
    connect(about, &QAction::triggered, this, [this] { showAboutDialog(this); });
}

QMenu* MainWindow::createRecentMenu(QMenu* parent)
{
    QMenu* recent = parent->addMenu(tr("Open &Recent"));
    recent->setObjectName(QStringLiteral("recentMenu"));
    // Filled when shown, so it always reflects the settings (other windows may add to them).
    connect(recent, &QMenu::aboutToShow, this, [this, recent] { fillRecentMenu(recent); });
    return recent;
}

void MainWindow::fillRecentMenu(QMenu* menu)
{
    menu->clear();
    const auto section = [this, menu](const QString& title, const Setting<QStringList>& list,
                                      const std::function<void(const QString&)>& open) {
        const QStringList files = list.value();
        if (files.isEmpty())
            return;
        menu->addSection(title);
        for (const QString& path : files) {
            QAction* action = menu->addAction(QFileInfo(path).fileName());
            action->setToolTip(path);
            action->setStatusTip(path);
            connect(action, &QAction::triggered, this, [open, path] { open(path); });
        }
    };
    section(tr("Sessions"), settings::recentSessions, [this](const QString& p) { openSession(p); });
    section(tr("Models"), settings::recentModels, [this](const QString& p) { openModel(p); });
    section(tr("Datasets"), settings::recentDatasets, [this](const QString& p) { openDataset(p); });
    if (menu->isEmpty())
        menu->addAction(tr("No recent files"))->setEnabled(false);
}

QMenu* MainWindow::createLanguageMenu(QMenu* parent)
{
    QMenu* menu = parent->addMenu(tr("&Language"));
    menu->setObjectName(QStringLiteral("languageMenu"));
    auto* group = new QActionGroup(menu);
    const QString current = settings::language.value();
    // Language names are written in their own language, so anyone can find theirs.
    const std::pair<QString, QString> languages[] = {{QString(), tr("System default")},
                                                     {QStringLiteral("en"), QStringLiteral("English")},
                                                     {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
    for (const auto& [code, name] : languages) {
        QAction* action = menu->addAction(name);
        action->setCheckable(true);
        action->setChecked(code == current);
        action->setData(code);
        action->setObjectName(QStringLiteral("language_") + (code.isEmpty() ? QStringLiteral("system") : code));
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, code] {
            settings::language.setValue(code);
            const QString message = tr("The language changes at the next start of calibscope.");
            statusBar()->showMessage(message, 8000);
            logInfo(message.toStdString());
        });
    }
    return menu;
}

} // namespace cs::app

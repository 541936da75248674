#pragma once
#include "core/op_info.h"
#include "core/progress.h"
#include "gui/model_loader.h"

#include <QFutureWatcher>
#include <QMainWindow>

#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace cs::ui {
class LogView;
class OpTableModel;
}

namespace cs::app {

// The main window: wiring of menus, the op table, the log panel and background jobs.
// Views live in widgets/; long work runs on a worker and comes back as value structs.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openModel(const QString& path);
    void openDemo();
    void openDataset(const QString& path);

    const ModelSummary& summary() const;
    QTableView* opTable() const { return m_opTable; }
    bool isBusy() const;

Q_SIGNALS:
    void modelLoaded(const QString& path);
    void errorShown(const QString& message);

private:
    using Job = std::function<ModelLoadResult(const ProgressCallback&)>;
    void createActions();
    void startJob(const QString& description, Job job);
    void jobFinished();
    void showProgress(const ProgressInfo& info, quint64 jobId);
    void showError(const QString& message);
    void cancelJob();

    ui::OpTableModel* m_opModel = nullptr;
    QSortFilterProxyModel* m_opProxy = nullptr;
    QTableView* m_opTable = nullptr;
    QLineEdit* m_filter = nullptr;
    QLabel* m_modelLabel = nullptr;
    QLabel* m_datasetLabel = nullptr;
    ui::LogView* m_log = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;

    QFutureWatcher<ModelLoadResult> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    quint64 m_jobId = 0;
    QString m_datasetPath;
};

} // namespace cs::app

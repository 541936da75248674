#pragma once
#include "core/calibration.h"
#include "core/dataset/dataset_spec.h"
#include "core/model/op_info.h"
#include "gui/analysis_page.h"
#include "gui/calibration_controller.h"
#include "gui/calibration_workflow.h"
#include "gui/data_choices.h"
#include "gui/points_page.h"

#include <QMainWindow>

#include <functional>

class QAction;
class QLabel;
class QTableView;
class QTabWidget;

namespace cs {
struct EvaluationConfig;
struct EvaluationResult;
}

namespace cs::ui {
class AccuracyView;
class CompareView;
class ErrorPropagationView;
class ObserverHeatMap;
class SensitivityView;
class HistogramView;
class JobProgress;
class LogView;
class ParameterPanel;
class PointTableModel;
class PointTableView;
class WeightsView;
}

namespace cs::app {

class AnalysisPage;
class CalibrationDocument;
class CalibrationWorkflow;
class DataChoices;
class DocumentHeader;
class EvaluationController;
class LanguageSwitch;
class UnsavedChangesPrompt;
class ExchangeActions;
class ExportDialog;
class ImportDialog;
struct ExportRequest;
class PlanEditor;
class PointsPage;
class RepairPage;
class SessionController;

// The main window wires the features together: the points page (tables, histogram,
// weights), the plan editor with its parameter dock, the analysis page (compare, heat map,
// accuracy, sensitivity, error propagation; evaluation and measurement), the exchange
// actions, and the model, calibration and session jobs. It owns the menus, the header and
// the status bar; the features own their views and their work.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openModel(const QString& path);
    void openDemo();
    // A dataset path with automatic format and default preprocessing.
    void openDataset(const QString& path);
    void setDataset(const DatasetSpec& spec, int batchSize, int numBatches);
    void showDatasetDialog();
    void calibrate();
    void cancelJob();
    void openSession(const QString& path);
    void saveSession(const QString& path);
    void save();
    void saveAs();

    // The analysis page's (see AnalysisPage).
    bool evaluate(int maxImages, bool sensitivity);
    DatasetSpec validationData() const;
    void setValidationData(const DatasetSpec& spec);
    void showValidationDialog();
    void useObserver(const QString& point, const QString& observer);
    void protectPoints(const QStringList& points, const QString& action);
    void measurePoint(const QString& point);
    void showPoint(const QString& point);

    // File ▸ Export… / Import qconfig… / Export Report… (see ExchangeActions).
    ExportDialog* showExportDialog();
    void exportFiles(const ExportRequest& request);
    ImportDialog* importQconfig(const QString& path);
    void exportReport(const QString& path);

    // Window geometry and dock layout from the last run (not done in the constructor, so
    // tests always see the default layout).
    void restoreLayout();

    const ModelSummary& summary() const { return m_points->summary(); }
    const DatasetSpec& dataset() const { return m_data->dataset(); }
    QTableView* opTable() const { return m_points->opTable(); }
    ui::PointTableView* pointTable() const { return m_points->pointTable(); }
    ui::PointTableModel* pointModel() const { return m_points->pointModel(); }
    ui::HistogramView* histogramView() const { return m_points->histogram(); }
    ui::ParameterPanel* parameterPanel() const { return m_panel; }
    ui::WeightsView* weightsView() const { return m_points->weights(); }
    ui::JobProgress* jobProgress() const { return m_jobProgress; }
    QTabWidget* inspectorTabs() const { return m_points->inspectorTabs(); }
    ui::CompareView* compareView() const { return m_analysis->compareView(); }
    ui::ObserverHeatMap* heatMap() const { return m_analysis->heatMap(); }
    ui::AccuracyView* accuracyView() const { return m_analysis->accuracyView(); }
    ui::SensitivityView* sensitivityView() const { return m_analysis->sensitivityView(); }
    ui::ErrorPropagationView* propagationView() const { return m_analysis->propagationView(); }
    QTabWidget* tableTabs() const { return m_points->tableTabs(); }
    EvaluationController* evaluations() const { return m_analysis->evaluations(); }
    CalibrationController* calibrations() const { return m_workflow->calibrations(); }
    CalibrationDocument* document() const { return m_document; }
    DataChoices* dataChoices() const { return m_data; }
    SessionController* sessions() const { return m_workflow->sessions(); }
    AnalysisPage* analysis() const { return m_analysis; }
    RepairPage* repair() const { return m_repair; }
    bool isBusy() const;

Q_SIGNALS:
    void modelLoaded(const QString& path);
    void errorShown(const QString& message);
    void calibrationFinished();
    void sessionSaved(const QString& path);
    void sessionOpened(const QString& path);
    void filesExported(const QStringList& paths);
    void qconfigImported(const QString& path);
    void reportExported(const QString& path);
    void evaluationFinished();
    void pointMeasured(const QString& point);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QWidget* buildCentral();
    void buildDocks();
    void createActions();
    void connectFeatures();
    void updateHeader();
    void updateTitle();
    void updateActions();
    // "Ready" in the status bar exactly while no job runs.
    void updateIdleStatus();
    void showError(const QString& message);
    void showStatus(const QString& message, int timeoutMs);
    // Asks Save / Discard / Cancel when the document has unsaved changes; `proceed` runs after
    // Discard, after the save has been written, or at once when there is nothing to save.
    void askToSave(const QString& question, std::function<void()> proceed);
public:
    LanguageSwitch* languageSwitch() const { return m_language; }

private:

    CalibrationDocument* m_document = nullptr;
    DataChoices* m_data = nullptr;
    CalibrationWorkflow* m_workflow = nullptr;
    PointsPage* m_points = nullptr;
    PlanEditor* m_editor = nullptr;
    AnalysisPage* m_analysis = nullptr;
    RepairPage* m_repair = nullptr;
    ExchangeActions* m_exchange = nullptr;

    ui::ParameterPanel* m_panel = nullptr;
    ui::LogView* m_log = nullptr;
    ui::JobProgress* m_jobProgress = nullptr;
    DocumentHeader* m_header = nullptr;
    UnsavedChangesPrompt* m_unsaved = nullptr;
    LanguageSwitch* m_language = nullptr;

    QAction* m_calibrateAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
    QAction* m_evaluateAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;

    bool m_closeConfirmed = false;
};

} // namespace cs::app

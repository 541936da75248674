#pragma once
#include "core/calibration.h"
#include "core/dataset/dataset_spec.h"
#include "core/model/op_info.h"
#include "gui/calibration_controller.h"
#include "gui/model_loader.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
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
class OpTableModel;
class ParameterPanel;
class PointTableModel;
class PointTableView;
class WeightsView;
}

namespace cs::app {

class CalibrationDocument;
class EvaluationController;
class ExchangeController;
class ExportDialog;
class ImportDialog;
class ModelLoadController;
struct ExportRequest;
class PlanEditor;
class SessionController;

// The main window: layout, menus and the wiring between the document, the background
// controllers and the views. Views live in widgets/; long work runs on workers and comes
// back as value structs. Split by feature: main_window_actions.cpp (menus, settings),
// main_window_jobs.cpp (open, calibrate, sessions).
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

    // Runs the evaluation of the current plan on the validation data (the demo's validation
    // split, the data chosen with Evaluation ▸ Validation Data…, or the calibration data).
    // 0 images = all. False when it cannot start (no calibration, one already running).
    bool evaluate(int maxImages, bool sensitivity);
    DatasetSpec validationData() const;
    void setValidationData(const DatasetSpec& spec);
    void showValidationDialog();
    // "Use this" of the compare view and the heat map: one undoable edit.
    void useObserver(const QString& point, const QString& observer);
    // The sensitivity view's "apply to worst N": "keep_float" or "qint16", then re-evaluates.
    void protectPoints(const QStringList& points, const QString& action);
    // The exact local error of a point's current clip range on the calibration data, in the
    // background; shown under the histogram's estimate (pointMeasured when it is).
    void measurePoint(const QString& point);
    // Jumps to a point in the point table with its histogram.
    void showPoint(const QString& point);

    // File ▸ Export… / Import qconfig… / Export Report… (dialogs shown with open()).
    ExportDialog* showExportDialog();
    void exportFiles(const ExportRequest& request);
    ImportDialog* importQconfig(const QString& path);
    void exportReport(const QString& path);

    // Window geometry and dock layout from the last run (not done in the constructor, so
    // tests always see the default layout).
    void restoreLayout();

    const ModelSummary& summary() const;
    const DatasetSpec& dataset() const { return m_dataset; }
    QTableView* opTable() const { return m_opTable; }
    ui::PointTableView* pointTable() const { return m_pointTable; }
    ui::PointTableModel* pointModel() const { return m_pointModel; }
    ui::HistogramView* histogramView() const { return m_histogram; }
    ui::ParameterPanel* parameterPanel() const { return m_panel; }
    ui::WeightsView* weightsView() const { return m_weights; }
    ui::JobProgress* jobProgress() const { return m_jobProgress; }
    QTabWidget* inspectorTabs() const { return m_inspectorTabs; }
    ui::CompareView* compareView() const { return m_compare; }
    ui::ObserverHeatMap* heatMap() const { return m_heatMap; }
    ui::AccuracyView* accuracyView() const { return m_accuracy; }
    ui::SensitivityView* sensitivityView() const { return m_sensitivity; }
    ui::ErrorPropagationView* propagationView() const { return m_propagation; }
    QTabWidget* tableTabs() const { return m_tableTabs; }
    EvaluationController* evaluations() const { return m_evaluation; }
    CalibrationDocument* document() const { return m_document; }
    SessionController* sessions() const { return m_sessions; }
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
    QMenu* createRecentMenu(QMenu* parent);
    void fillRecentMenu(QMenu* menu);
    QMenu* createLanguageMenu(QMenu* parent);
    void connectControllers();
    void buildAnalysisViews();
    void connectAnalysis();
    void refreshEvaluationViews();
    void showMeasurement(const EvaluationResult& result);
    EvaluationConfig evaluationConfig(int maxImages, bool sensitivity) const;
    void createExchangeActions(QMenu* file);
    void connectExchange();
    QString exportBasePath() const;
    void onModelLoaded(const ModelLoadResult& result);
    void onCalibrationAvailable(const CalibrationResult& result, CalibrationController::Purpose purpose,
                                const std::shared_ptr<ObserverBank>& bank);
    void onCalibrationFailed(const QString& message, CalibrationController::Purpose purpose);
    void updateHeader();
    void updateTitle();
    void updateActions();
    void showError(const QString& message);
    void askToSaveBeforeClosing();

    CalibrationDocument* m_document = nullptr;
    CalibrationController* m_calibration = nullptr;
    ModelLoadController* m_loader = nullptr;
    SessionController* m_sessions = nullptr;
    PlanEditor* m_editor = nullptr;
    ExchangeController* m_exchange = nullptr;
    EvaluationController* m_evaluation = nullptr;
    EvaluationController* m_measurement = nullptr;
    QString m_measuredPoint;
    bool m_measureAgain = false;

    ui::OpTableModel* m_opModel = nullptr;
    QSortFilterProxyModel* m_opProxy = nullptr;
    QTableView* m_opTable = nullptr;
    QLineEdit* m_opFilter = nullptr;
    ui::PointTableModel* m_pointModel = nullptr;
    ui::PointTableView* m_pointTable = nullptr;
    QTabWidget* m_tableTabs = nullptr;
    QTabWidget* m_inspectorTabs = nullptr;
    ui::HistogramView* m_histogram = nullptr;
    ui::WeightsView* m_weights = nullptr;
    ui::ParameterPanel* m_panel = nullptr;
    ui::CompareView* m_compare = nullptr;
    ui::ObserverHeatMap* m_heatMap = nullptr;
    ui::AccuracyView* m_accuracy = nullptr;
    ui::SensitivityView* m_sensitivity = nullptr;
    ui::ErrorPropagationView* m_propagation = nullptr;
    ui::LogView* m_log = nullptr;
    ui::JobProgress* m_jobProgress = nullptr;
    QLabel* m_modelLabel = nullptr;
    QLabel* m_datasetLabel = nullptr;

    QAction* m_calibrateAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
    QAction* m_evaluateAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_reportAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;

    QString m_modelPath;
    QString m_demoDescription;
    double m_demoAccuracy = -1;
    DatasetSpec m_dataset;
    bool m_hasDataset = false;
    DatasetSpec m_validation;
    bool m_hasValidation = false;
    bool m_evaluateAfterRerun = false;
    bool m_lastSensitivity = true;
    int m_batchSize = 32;
    int m_numBatches = 30;
    bool m_closeConfirmed = false;
    bool m_closeAfterSave = false;
};

} // namespace cs::app

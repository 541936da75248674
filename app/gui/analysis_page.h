#pragma once
#include "core/dataset/dataset_spec.h"
#include "gui/evaluation_progress.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <array>
#include <memory>

class QTabWidget;

namespace cs {
struct EvaluationConfig;
struct EvaluationResult;
enum class EvaluationStage;
}

namespace cs::ui {
class AccuracyView;
class CompareView;
class ErrorPropagationView;
class EvaluationView;
class HistogramView;
class JobProgress;
class ObserverHeatMap;
class PointTableModel;
class PointTableView;
class SensitivityView;
}

namespace cs::app {

class CalibrationDocument;
class DataChoices;
class EvaluationController;

// The analysis feature: the five views (compare, heat map, accuracy, sensitivity, error
// propagation), the evaluation of the plan on the validation data and the measurement of a
// clip range on the calibration data. The views only ask; the document makes every change
// undoable and the evaluation controllers run the jobs. The views go into the main window's
// tab widgets; everything else stays here.
class AnalysisPage : public QObject {
    Q_OBJECT
public:
    struct Views {
        ui::PointTableModel* pointModel = nullptr;
        ui::PointTableView* pointTable = nullptr;
        ui::HistogramView* histogram = nullptr;
        QTabWidget* tableTabs = nullptr;     // the heat map and the evaluation views go here
        QTabWidget* inspectorTabs = nullptr; // the compare view goes here
        ui::JobProgress* jobProgress = nullptr;
    };

    // Images per evaluation batch: large batches keep LibTorch's kernels busy on 2 cores.
    static constexpr int kEvaluationBatchSize = 100;

    AnalysisPage(CalibrationDocument* document, DataChoices* data, const Views& views, QObject* parent = nullptr);
    ~AnalysisPage() override;

    // Runs the evaluation of the current plan on the validation data. 0 images = all. False
    // when it cannot start (no calibration, one already running).
    bool evaluate(int maxImages, bool sensitivity);
    // Calibration ▸ Evaluate: shows the accuracy view and evaluates with its settings.
    void evaluateFromMenu();
    // A re-run of the calibration came back: evaluate if an edit of this page asked for it.
    void rerunFinished();
    // The demo's validation split, the data chosen with Evaluation ▸ Validation Data…, the
    // data of the last evaluation, or the calibration data.
    DatasetSpec validationData() const;
    void showValidationDialog(QWidget* parent);
    // "Use this" of the compare view and the heat map: one undoable edit.
    void useObserver(const QString& point, const QString& observer);
    // The sensitivity view's "apply to worst N": "keep_float" or "qint16", then re-evaluates.
    void protectPoints(const QStringList& points, const QString& action);
    // The exact local error of a point's current clip range on the calibration data, in the
    // background; shown under the histogram's estimate (pointMeasured when it is).
    void measurePoint(const QString& point);
    // Jumps to a point in the point table with its histogram.
    void showPoint(const QString& point);

    bool isEvaluating() const;
    void cancel();
    // Cancels and waits for the workers: for the owner's destructor.
    void shutdown();

    ui::CompareView* compareView() const { return m_compare; }
    ui::ObserverHeatMap* heatMap() const { return m_heatMap; }
    ui::AccuracyView* accuracyView() const { return m_accuracy; }
    ui::SensitivityView* sensitivityView() const { return m_sensitivity; }
    ui::ErrorPropagationView* propagationView() const { return m_propagation; }
    EvaluationController* evaluations() const { return m_evaluation; }

Q_SIGNALS:
    void evaluationFinished();
    // A stage of the running evaluation is on screen before the whole result (the accuracy
    // table while the sensitivity passes still run).
    void stageShown(cs::EvaluationStage stage);
    void evaluatingChanged(bool running);
    void pointMeasured(const QString& point);
    void errorOccurred(const QString& message);
    void statusMessage(const QString& message, int timeoutMs);

private:
    void connectViews();
    void connectJobs();
    // Now: the coverage of the validation data (point table, heat map) in the same turn; Later:
    // each of the two on a later turn of the event loop (see refreshCoverageStep).
    enum class Coverage { Now, Later };
    void refreshEvaluationViews(Coverage coverage = Coverage::Now);
    void refreshCoverageStep();
    // The views that show the document's evaluation as a whole.
    std::array<ui::EvaluationView*, 3> evaluationViews() const;
    void showStage(cs::EvaluationStage stage, std::shared_ptr<const cs::EvaluationResult> sofar);
    // What the accuracy view warns about: validation preprocessing unlike the calibration's,
    // a float accuracy near chance on labelled data.
    QStringList dataNotes(const cs::EvaluationResult& evaluation) const;
    // Every evaluation view says whether its evaluation still describes the plan and the data.
    void updateStaleness();
    void showMeasurement(const EvaluationResult& result);
    EvaluationConfig evaluationConfig(int maxImages, bool sensitivity) const;
    // What the user reads for the phase the evaluation is in.
    QString phaseText(const EvaluationProgress::Overall& overall) const;

    CalibrationDocument* m_document;
    DataChoices* m_data;
    Views m_views;
    EvaluationController* m_evaluation = nullptr;
    EvaluationController* m_measurement = nullptr;
    QString m_measuredPoint;
    // The document the running evaluation and measurement were started for.
    quint64 m_evaluatedDocument = 0;
    quint64 m_measuredDocument = 0;
    quint64 m_shownDocument = 0;
    bool m_evaluateAfterRerun = false;
    EvaluationProgress m_progress;
    QElapsedTimer m_progressClock;
    bool m_lastSensitivity = true;
    // The coverage refreshes left after an evaluation arrived, one per turn of the event loop.
    QTimer m_coverageTimer;
    int m_coverageStep = 0;

    ui::CompareView* m_compare = nullptr;
    ui::ObserverHeatMap* m_heatMap = nullptr;
    ui::AccuracyView* m_accuracy = nullptr;
    ui::SensitivityView* m_sensitivity = nullptr;
    ui::ErrorPropagationView* m_propagation = nullptr;
};

} // namespace cs::app

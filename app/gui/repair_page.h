#pragma once
#include "core/calibration.h"
#include "gui/job_runner.h"
#include "widgets/repair_weight_change.h"

#include <QObject>
#include <QString>

#include <memory>

class QTabWidget;

namespace cs {
struct EvaluationResult;
}

namespace cs::ui {
class JobProgress;
class PointTableModel;
class PointTableView;
class RepairPanel;
class WeightsView;
}

namespace cs::app {

class AnalysisPage;
class CalibrationDocument;
struct RepairJobResult;

// The repair feature: the Repair tab (ui::RepairPanel), the repair job on a worker, its
// result applied as one undo step (RepairCommand), the before/after rows of the accuracy
// table after an evaluation, and the bias shift and weight histograms of a repaired layer
// in the Weights view.
class RepairPage : public QObject {
    Q_OBJECT
public:
    struct Views {
        QTabWidget* tableTabs = nullptr; // the Repair tab goes here
        ui::WeightsView* weights = nullptr;
        ui::PointTableView* pointTable = nullptr;
        ui::PointTableModel* pointModel = nullptr;
        ui::JobProgress* jobProgress = nullptr;
    };

    RepairPage(CalibrationDocument* document, AnalysisPage* analysis, const Views& views, QObject* parent = nullptr);
    ~RepairPage() override;

    // Runs the repairs chosen on the panel. False when it cannot start (no calibration, edits
    // waiting for a re-run, nothing chosen, a repair running).
    bool run();
    void cancel();
    // Cancels and waits for the workers: for the owner's destructor.
    void shutdown();
    bool isRunning() const { return m_runner.isRunning(); }
    // The before/after accuracy rows are being measured.
    bool isComparing() const { return m_compare.isRunning(); }
    // Repairs may start (a calibration, no job replacing it).
    void setRepairable(bool repairable);
    // Shows the Repair tab.
    void showPage();

    ui::RepairPanel* panel() const { return m_panel; }
    // What the repairs of the current plan did to each layer (null when none is known).
    std::shared_ptr<const ui::WeightRepairChanges> currentChanges() const;

Q_SIGNALS:
    void runningChanged(bool running);
    void repairApplied();
    // The evaluation got its "before repair" / "after: …" rows.
    void comparisonFinished();
    void errorOccurred(const QString& message);
    void statusMessage(const QString& message, int timeoutMs);

private:
    void applyResult(RepairJobResult& result);
    void compareWithBefore();
    void refresh();
    void updateBudget();
    void updateWeights();

    CalibrationDocument* m_document;
    AnalysisPage* m_analysis;
    Views m_views;
    ui::RepairPanel* m_panel;
    JobRunner m_runner{JobRunner::Policy::Refuse};
    JobRunner m_compare{JobRunner::Policy::Supersede};
    JobRunner m_reopened{JobRunner::Policy::Supersede};
    quint64 m_runDocument = 0;
    bool m_planChangedWhileRunning = false;
    quint64 m_shownDocument = 0;
    // A reopened session's repairs against the model's own parameters.
    std::shared_ptr<const ui::WeightRepairChanges> m_reopenedChanges;
    quint64 m_reopenedDocument = 0;
};

} // namespace cs::app

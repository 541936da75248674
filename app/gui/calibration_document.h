#pragma once
#include "core/calibration.h"

#include <QObject>
#include <QStringList>

#include <map>
#include <memory>
#include <set>
#include <string>

class QUndoStack;

namespace cs::ui {
struct PointEstimates;
}

namespace cs::app {

// The calibration being tuned: the result (statistics, observers, per-point configs), the
// configurations the user asked for, the undo history and the saved state. Lives on the
// GUI thread; views read the result and are told which points changed.
//
// Edits are kept as "wanted" configurations. Whatever the retained statistics can serve is
// recomputed at once (applyPointConfig); the rest is pending until a re-run with the wanted
// configurations as overrides comes back, after which everything is reconciled again. So an
// edit made while a re-run is in flight is not lost.
class CalibrationDocument : public QObject {
    Q_OBJECT
public:
    explicit CalibrationDocument(QObject* parent = nullptr);
    ~CalibrationDocument() override;

    bool hasResult() const { return bool(m_result); }
    const CalibrationResult* result() const { return m_result.get(); }
    std::shared_ptr<const CalibrationResult> sharedResult() const { return m_result; }
    // The live observers behind the result (instant retune); empty without a result.
    const ObserverBank& bank() const { return m_bank; }
    QUndoStack* undoStack() const { return m_undo; }

    // A fresh calibration or a loaded session replaces the plan and the history; a re-run
    // keeps both and reconciles the wanted configurations with the new result.
    // `estimates` are the point table's estimates of `result`, when a worker computed them.
    void setResult(CalibrationResult result, bool rerun, ObserverBank bank = ObserverBank(),
                   std::shared_ptr<const ui::PointEstimates> estimates = {});
    // The estimates given with the current result, while resultReplaced() is emitted for it;
    // null otherwise (the point table keeps them from then on).
    std::shared_ptr<const ui::PointEstimates> pointEstimates() const { return m_estimates; }
    void clear();

    // Changes whenever the document becomes another calibration (fresh, opened or cleared),
    // not on re-runs or edits: a job started for an older one must not deliver into this one.
    quint64 documentId() const { return m_documentId; }

    QString sessionPath() const { return m_sessionPath; }
    void setSessionPath(const QString& path);
    // The number of changes so far: a save that started at `generation` marks the document
    // saved only if nothing changed meanwhile.
    quint64 generation() const { return m_generation; }
    void markSaved(quint64 generation);
    void markUnsaved();
    bool isModified() const;

    // The configuration the user wants for a point (the result's until edited).
    ObserverConfig wantedConfig(const std::string& point) const;
    // One undoable edit giving each point its configuration.
    void editPoints(const std::map<std::string, ObserverConfig>& configs, const QString& description);
    // Used by the undo commands: records and applies the configurations.
    void applyConfigs(const std::map<std::string, ObserverConfig>& configs);

    // The evaluation of this calibration (saved with the session); null when none. It keeps
    // describing the plan it measured: isEvaluationCurrent() says whether that is still the plan.
    std::shared_ptr<const EvaluationResult> evaluation() const;
    void setEvaluation(std::shared_ptr<const EvaluationResult> evaluation);
    bool isEvaluationCurrent() const;

    // One undoable step that replaces the whole plan by `next` and its observers (an import
    // that may change weights and take values from a file, which configuration edits cannot
    // express).
    void replacePlan(CalibrationResult next, ObserverBank nextBank, const QString& description);
    // Used by that command: makes a copy of `snapshot` (and of its observers) the result,
    // keeping the evaluation.
    void restorePlan(const CalibrationResult& snapshot, const ObserverBank& bank);
    // The same with the snapshot's evaluation (a repair: the plan's numbers change with it).
    void restoreSnapshot(const CalibrationResult& snapshot, const ObserverBank& bank);

    QStringList pendingPoints() const;
    bool hasPending() const { return !m_pending.empty(); }
    // The result's calibration with every wanted configuration as an override.
    CalibrationConfig rerunConfig() const;
    // A re-run failed or was cancelled: the pending edits stay wanted but are not retried
    // until the next edit.
    void rerunAbandoned();

Q_SIGNALS:
    void resultReplaced();
    void pointsChanged(const QStringList& points);
    void pendingChanged(const QStringList& points);
    void rerunNeeded();
    void modifiedChanged(bool modified);
    void sessionPathChanged(const QString& path);
    void editFailed(const QString& message);
    void evaluationChanged();

private:
    void reconcile(const std::set<std::string>& points);
    void restore(const CalibrationResult& snapshot, const ObserverBank& bank, bool withEvaluation);
    void touch();
    void updateModified();

    std::shared_ptr<CalibrationResult> m_result;
    ObserverBank m_bank;
    std::shared_ptr<const ui::PointEstimates> m_estimates;
    std::map<std::string, ObserverConfig> m_wanted;
    std::set<std::string> m_pending;
    std::set<std::string> m_triedRerun; // pending points a re-run has already been asked for
    QUndoStack* m_undo;
    QString m_sessionPath;
    quint64 m_generation = 0;
    quint64 m_documentId = 0;
    bool m_resultUnsaved = false; // a calibration that was never saved
    bool m_lastModified = false;
};

} // namespace cs::app

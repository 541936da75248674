#pragma once
#include "gui/calibration_controller.h"
#include "gui/model_loader.h"

#include <QObject>
#include <QString>

class QWidget;

namespace cs::ui {
class JobProgress;
}

namespace cs::app {

class AnalysisPage;
class CalibrationDocument;
class DataChoices;
class ModelLoadController;
class PointsPage;
class SessionController;

// The calibration feature's jobs: open a model or the demo, calibrate (and re-run for edits
// that need the data), open and save sessions. Each runs on a worker through its controller;
// this object turns their outcomes into the document, the data choices and the points page,
// and tells the window what to show.
class CalibrationWorkflow : public QObject {
    Q_OBJECT
public:
    struct Parts {
        CalibrationDocument* document = nullptr;
        DataChoices* data = nullptr;
        PointsPage* points = nullptr;
        AnalysisPage* analysis = nullptr;
        ui::JobProgress* progress = nullptr;
        QWidget* window = nullptr; // the parent of file dialogs
    };

    explicit CalibrationWorkflow(const Parts& parts, QObject* parent = nullptr);
    ~CalibrationWorkflow() override;

    void openModel(const QString& path);
    void openDemo();
    void calibrate();
    void openSession(const QString& path);
    void saveSession(const QString& path);
    void save();
    void saveAs();
    // Cancels the model load and the calibration.
    void cancel();
    // Cancels and waits for the workers: for the owner's destructor.
    void shutdown();

    QString modelPath() const { return m_modelPath; }
    // Where Save As starts: the session's own path, else the model's name next to the model
    // (the demo, which lives in the cache, in the documents folder, or home without one).
    QString proposedSessionPath() const;
    // The demo's float test accuracy; < 0 when the model is not the demo.
    double demoAccuracy() const { return m_demoAccuracy; }
    bool isBusy() const;
    bool isLoading() const;
    // A fresh calibration is running: it replaces the plan and its history.
    bool isReplacing() const;
    CalibrationController* calibrations() const { return m_calibration; }
    SessionController* sessions() const { return m_sessions; }

Q_SIGNALS:
    void modelLoaded(const QString& path);
    void calibrationFinished();
    void sessionSaved(const QString& path);
    void sessionOpened(const QString& path);
    // The model, the running jobs or the plan changed: header, title and actions follow.
    void stateChanged();
    void errorOccurred(const QString& message);
    void statusMessage(const QString& message, int timeoutMs);

private:
    void connectLoader();
    void connectCalibration();
    void connectSessions();
    void onModelLoaded(const ModelLoadResult& result);
    void onCalibrationAvailable(const CalibrationResult& result, CalibrationController::Purpose purpose,
                                const std::shared_ptr<ObserverBank>& bank);
    void onCalibrationEnded(CalibrationController::Purpose purpose);

    Parts m_parts;
    CalibrationController* m_calibration;
    ModelLoadController* m_loader;
    SessionController* m_sessions;
    QString m_modelPath;
    double m_demoAccuracy = -1;
};

} // namespace cs::app

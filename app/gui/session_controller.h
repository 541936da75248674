#pragma once
#include "core/calibration.h"
#include "gui/job_runner.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace cs::ui {
struct PointEstimates;
}

namespace cs::app {

class CalibrationDocument;

// Session files of the document: save, save as, autosave and open. The file work runs on a
// worker (a session holds megabytes of histograms); the destructor waits for it.
class SessionController : public QObject {
    Q_OBJECT
public:
    explicit SessionController(CalibrationDocument* document, QObject* parent = nullptr);
    ~SessionController() override;

    // Writes the document to `path` and makes it the session path.
    void save(const QString& path);
    void open(const QString& path);
    bool isBusy() const;
    // Waits for the file work: for the owner's destructor.
    void shutdown();

    // Autosave goes to the cache dir a few seconds after the last change.
    void setAutosaveDelay(int milliseconds);
    QString autosavePath() const;

    struct FileResult {
        QString path;
        bool autosave = false;
        quint64 generation = 0;
        std::optional<CalibrationResult> loaded;
        std::shared_ptr<ObserverBank> loadedBank; // its live observers
        std::shared_ptr<const ui::PointEstimates> estimates; // the point table's, for `loaded`
    };

Q_SIGNALS:
    void saved(const QString& path);
    void autosaved(const QString& path);
    void opened(const QString& path);
    void failed(const QString& message);

private:
    void startSave(const QString& path, bool autosave);
    void saveFinished(const FileResult& out);
    void openFinished(FileResult out);
    void startQueuedSave();
    void autosave();

    CalibrationDocument* m_document;
    // One writer and one reader at a time: a save asked for meanwhile is queued here (the
    // newest wins), a second open is refused.
    JobRunner m_saves{JobRunner::Policy::Refuse};
    JobRunner m_opens{JobRunner::Policy::Refuse};
    std::optional<std::pair<QString, bool>> m_queuedSave;
    QTimer m_autosaveTimer;
};

} // namespace cs::app

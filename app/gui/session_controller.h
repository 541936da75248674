#pragma once
#include "core/calibration.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

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
    void shutdown();

    // Autosave goes to the cache dir a few seconds after the last change.
    void setAutosaveDelay(int milliseconds);
    QString autosavePath() const;

    struct FileResult {
        QString path;
        QString error;
        bool autosave = false;
        quint64 generation = 0;
        std::optional<CalibrationResult> loaded;
        std::shared_ptr<ObserverBank> loadedBank; // its live observers
    };

Q_SIGNALS:
    void saved(const QString& path);
    void autosaved(const QString& path);
    void opened(const QString& path);
    void failed(const QString& message);

private:
    void startSave(const QString& path, bool autosave);
    void saveFinished();
    void openFinished();
    void autosave();

    CalibrationDocument* m_document;
    QFutureWatcher<FileResult> m_saveWatcher;
    QFutureWatcher<FileResult> m_openWatcher;
    std::optional<std::pair<QString, bool>> m_queuedSave;
    QTimer m_autosaveTimer;
    bool m_saving = false;  // until the finished handlers ran: the futures report done
    bool m_opening = false; // a moment before their results reach this thread
};

} // namespace cs::app

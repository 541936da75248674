#pragma once
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace cs::ui {
class JobProgress;
}

namespace cs::app {

class CalibrationDocument;
class ExchangeController;
class ExportDialog;
class ImportDialog;
struct ExportRequest;

// The exchange feature of the File menu: Export… (qconfig, checkpoint, fake-quantized model
// on a worker), Import qconfig… (checked, then one undoable step) and Export Report….
class ExchangeActions : public QObject {
    Q_OBJECT
public:
    // `sessionPath` gives where the session is or would be saved: exports go next to it, under
    // its name (never into the cache folder the demo model lives in).
    ExchangeActions(CalibrationDocument* document, ui::JobProgress* progress, QWidget* window,
                    std::function<QString()> sessionPath, QObject* parent = nullptr);
    ~ExchangeActions() override;

    void addTo(QMenu* file);
    void setEnabled(bool enabled);
    bool isExporting() const;
    // Waits for an export being written: for the owner's destructor.
    void shutdown();

    ExportDialog* showExportDialog();
    void exportFiles(const ExportRequest& request);
    ImportDialog* importQconfig(const QString& path);
    void exportReport(const QString& path);

Q_SIGNALS:
    void filesExported(const QStringList& paths);
    void qconfigImported(const QString& path);
    void reportExported(const QString& path);
    void errorOccurred(const QString& message);
    void statusMessage(const QString& message, int timeoutMs);

private:
    QString exportBasePath() const;

    CalibrationDocument* m_document;
    ExchangeController* m_exchange;
    ui::JobProgress* m_progress;
    QWidget* m_window;
    std::function<QString()> m_sessionPath;
    QAction* m_exportAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_reportAction = nullptr;
};

} // namespace cs::app

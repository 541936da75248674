#pragma once
#include "core/exchange/overrides.h"
#include "gui/export_dialog.h"
#include "gui/job_runner.h"

#include <QObject>
#include <QStringList>

namespace cs::app {

class CalibrationDocument;

// File ▸ Export… and Import…: the exports run on a worker (the fake-quantized model rebuilds
// the TorchScript graph); an import is checked first and applied as one undoable step.
class ExchangeController : public QObject {
    Q_OBJECT
public:
    explicit ExchangeController(CalibrationDocument* document, QObject* parent = nullptr);
    ~ExchangeController() override;

    void exportFiles(const ExportRequest& request);
    bool isExporting() const { return m_runner.isRunning(); }
    // Waits for the export being written: for the owner's destructor.
    void shutdown();

    // Reads `path` and reports what importing it would do; the document is untouched.
    // Throws CalibError when the file cannot be read or is not a qconfig.
    ImportReport checkImport(const QString& path, const ImportOptions& options) const;
    // Applies a report of checkImport as one undoable step; entries that need the data again
    // become edits that trigger a re-run. Returns the outcome per entry.
    ImportReport applyImport(const ImportReport& checked);

    struct ExportOutcome {
        QStringList written;
    };

Q_SIGNALS:
    void exported(const QStringList& paths);
    void failed(const QString& message);

private:
    void exportFinished(const ExportOutcome& out);

    CalibrationDocument* m_document;
    // Refuses a second export while one is written: both would write the same files.
    JobRunner m_runner{JobRunner::Policy::Refuse};
};

} // namespace cs::app

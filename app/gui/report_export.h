#pragma once
// File ▸ Export report…: writes the HTML report of the current calibration (widgets/report).
// The report draws its plots with widgets, so it runs on the GUI thread; it takes well under
// a second for a model of a few hundred points, so no worker thread is needed.
#include "core/calibration.h"
#include "widgets/report/html_report.h"

#include <QObject>
#include <QString>

#include <memory>

namespace cs::app {

// Writes the report to `path` (atomically). Returns an empty string on success, else the
// message for the user (it names the file). Must be called on the GUI thread.
QString exportHtmlReport(const std::shared_ptr<const CalibrationResult>& calibration, const QString& path,
                         const ui::ReportOptions& options = {});

// The same as an object for signal-driven callers: exportReport() emits finished(path) or
// failed(message) before it returns.
class ReportExporter : public QObject {
    Q_OBJECT
public:
    explicit ReportExporter(QObject* parent = nullptr);

    void setOptions(const ui::ReportOptions& options) { m_options = options; }
    const ui::ReportOptions& options() const { return m_options; }

    // False when it failed (failed() was emitted).
    bool exportReport(const std::shared_ptr<const CalibrationResult>& calibration, const QString& path);

Q_SIGNALS:
    void finished(const QString& path);
    void failed(const QString& message);

private:
    ui::ReportOptions m_options;
};

} // namespace cs::app

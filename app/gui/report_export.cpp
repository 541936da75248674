#include "gui/report_export.h"

#include "core/errors.h"

#include <QCoreApplication>
#include <QThread>

namespace cs::app {

QString exportHtmlReport(const std::shared_ptr<const CalibrationResult>& calibration, const QString& path,
                         const ui::ReportOptions& options)
{
    if (!calibration)
        return ReportExporter::tr("There is no calibration to report on yet: calibrate or open a session first.");
    if (path.isEmpty())
        return ReportExporter::tr("No file name given for the report.");
    if (!QCoreApplication::instance() || QThread::currentThread() != QCoreApplication::instance()->thread())
        return ReportExporter::tr("The report can only be written on the GUI thread.");
    try {
        ui::writeHtmlReport(*calibration, options, path.toStdString());
    } catch (const std::exception& e) {
        // CalibError names the file; anything else (bad_alloc...) still becomes a message.
        return QString::fromStdString(firstLine(e.what()));
    }
    return {};
}

ReportExporter::ReportExporter(QObject* parent) : QObject(parent) {}

bool ReportExporter::exportReport(const std::shared_ptr<const CalibrationResult>& calibration, const QString& path)
{
    const QString error = exportHtmlReport(calibration, path, m_options);
    if (!error.isEmpty()) {
        Q_EMIT failed(error);
        return false;
    }
    Q_EMIT finished(path);
    return true;
}

} // namespace cs::app

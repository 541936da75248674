#pragma once
// The calibration as one self-contained HTML file: model, data, the plan,
// the accuracy table, sensitivity, error propagation, the worst points with their histograms
// and every observer's clip range, warnings. Inline CSS, plots embedded as PNG data URIs, no
// external resource, so the file can be mailed or attached to a ticket as it is.
//
// The plots are drawn by the same widgets the GUI shows (HistogramView on a PointTableModel),
// so this needs a QApplication and must run on its thread. Every text goes through tr() with
// the context "cs::ui::HtmlReport": the report is in Chinese when the GUI runs in Chinese.
// Numbers are always written language-neutrally (C locale: "0.0123", never "0,0123"), so a
// script can read them back whatever the language.
#include "core/calibration.h"

#include <QDateTime>
#include <QSize>
#include <QString>

#include <string>

namespace cs::ui {

struct ReportOptions {
    // The N points with the lowest SQNR (measured locally when the calibration carries an
    // evaluation, else estimated from the histogram), each with its histogram plot. 0 = none.
    int worstPoints = 8;
    // Empty = "Calibration report: <model file name>".
    QString title;
    // Pixel size of every embedded plot.
    QSize plotSize{720, 360};
    // Histograms with a logarithmic count axis. On by default: a static page cannot toggle,
    // and on a linear axis the zeros after a ReLU hide everything else.
    bool logHistograms = true;
    // Shown as the generation time; invalid = now. Tests pin it for reproducible output.
    QDateTime generatedAt;
};

// The report as an HTML string. Throws CalibError when there is no QApplication or when it
// is called from another thread than the application's.
QString renderHtmlReport(const CalibrationResult& calibration, const ReportOptions& options = {});

// Writes the report to `path` atomically (a failed write leaves a previous file intact).
// Throws CalibError naming the file.
void writeHtmlReport(const CalibrationResult& calibration, const ReportOptions& options, const std::string& path);

} // namespace cs::ui

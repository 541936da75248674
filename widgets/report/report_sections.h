#pragma once
// The sections of the HTML report, each a function of the calibration. Private to
// widgets/report; html_report.cpp puts them together.
#include "core/calibration.h"
#include "widgets/report/html_report.h"

#include <QString>

#include <vector>

namespace cs::ui {

class PointTableModel;

struct ReportContext {
    const CalibrationResult& calibration;
    const ReportOptions& options;
    // The GUI's point model on the calibration: the same estimated L2/SQNR as the point table.
    const PointTableModel& model;
};

// "percentile (percentile=99.9, bins=1024)": the observer and its non-default parameters.
QString observerText(const ObserverConfig& config);
// "qint8 · per_tensor_symmetric · narrow range"
QString specText(const obs::QuantSpec& spec);

// Sections that read the evaluation (report_evaluation.cpp).
QString accuracySection(const ReportContext& context);
QString sensitivitySection(const ReportContext& context);
QString propagationSection(const ReportContext& context);
// Coverage of the validation data by the calibration data (report_coverage.cpp).
QString coverageSection(const ReportContext& context);
// Convergence of the ranges over the calibration batches (report_convergence.cpp).
QString convergenceSection(const ReportContext& context);

// The repairs and the accuracy before and after the last one (report_repairs.cpp); empty
// when the calibration was not repaired.
QString repairsSection(const ReportContext& context);

// The worst points with their histograms (report_worst_points.cpp).
QString worstPointsSection(const ReportContext& context);

// Rows of `model` (point indices) with the lowest SQNR, worst first: measured local SQNR
// when the calibration carries an evaluation with per-point results, else the SQNR
// estimated from the histogram. Points kept in float are left out. `measured` tells which.
std::vector<int> worstPointRows(const ReportContext& context, int count, bool* measured = nullptr);

} // namespace cs::ui

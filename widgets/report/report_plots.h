#pragma once
// The report's plots as images of a fixed pixel size, drawn off screen on the GUI thread.
// Private to widgets/report.
#include "core/evaluation.h"

#include <QImage>
#include <QPalette>
#include <QSize>
#include <QStringList>

#include <memory>

namespace cs::ui {

class HistogramView;
class PointTableModel;

// The report's light palette, whatever the GUI's theme: the HTML page is light.
QPalette reportPalette();

// Point histograms drawn by the GUI's own HistogramView (clip range, every compare
// observer's range, data min/max), one hidden view reused for every point.
class HistogramRenderer {
public:
    HistogramRenderer(PointTableModel* model, QSize size, bool logScale);
    ~HistogramRenderer();
    HistogramRenderer(const HistogramRenderer&) = delete;
    HistogramRenderer& operator=(const HistogramRenderer&) = delete;

    // `outside` receives the compared observers whose range lies too far outside the data
    // to be plotted without squeezing the histogram (their lines are off the image).
    QImage render(const QString& point, QStringList* outside = nullptr);

private:
    PointTableModel* m_model;
    QSize m_size;
    std::unique_ptr<HistogramView> m_view;
};

// Bars of the accuracy table: top-1 with labels, else agreement with the float model's
// argmax; one bar per row (float, plan, auto, observers) with its value written above.
QImage renderAccuracyChart(const EvaluationResult& evaluation, QSize size);

// Local and accumulated SQNR of every evaluated point along the op order.
QImage renderPropagationChart(const CalibrationResult& calibration, const EvaluationResult& evaluation, QSize size);

} // namespace cs::ui

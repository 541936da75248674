#pragma once
#include "core/stats/histogram_error.h"

#include <QPointer>
#include <QWidget>

#include <vector>

class QCheckBox;
class QCPGraph;
class QCPItemStraightLine;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace cs::ui {

class PointTableModel;

// The accumulated histogram of one quantization point with the chosen clip range, every
// compare observer's range and the data min/max. The clip handles can be dragged: the
// estimated error of the dragged range is shown live and reported when the drag ends.
// Reads everything from the PointTableModel, so it always shows what the table shows.
class HistogramView : public QWidget {
    Q_OBJECT
public:
    explicit HistogramView(PointTableModel* model, QWidget* parent = nullptr);

    void setPoint(const QString& name);
    QString point() const { return m_point; }
    // Redraws from the model (after a drag that changed nothing, for instance).
    void refresh() { rebuild(); }

    void setLogScale(bool on);
    bool logScale() const;
    void setShowCompare(bool on);
    void setShowBatches(bool on);

    // The error of the current clip range measured on real data in the background (after a
    // drag, say): shown under the estimate while the point keeps that configuration.
    struct MeasuredError {
        QString point;
        double l2 = 0;
        double sqnrDb = 0;
        double clippedFraction = 0;
        qint64 values = 0;
        qint64 images = 0;
    };
    void setMeasuredError(const MeasuredError& measured);
    void clearMeasuredError(const QString& point);
    bool hasMeasuredError() const { return !m_measured.point.isEmpty() && m_measured.point == m_point; }
    const MeasuredError& measuredError() const { return m_measured; }

    // What is drawn now (the dragged range while dragging).
    double clipLow() const { return m_low; }
    double clipHigh() const { return m_high; }
    bool isDragging() const { return m_drag != Handle::None; }
    const ErrorEstimate& shownEstimate() const { return m_estimate; }
    // While dragging, the ends of the grid the dragged range gives: what the point will keep.
    struct KeptRange {
        double low = 0;
        double high = 0;
    };
    KeptRange keptRange() const;
    QString estimateText() const;

    QCustomPlot* plot() const { return m_plot; }
    QCPGraph* histogramGraph() const { return m_histogram; }
    int compareLineCount() const { return int(m_compareLines.size()); }
    int batchGraphCount() const { return int(m_batchGraphs.size()); }

Q_SIGNALS:
    void clipDragged(const QString& point, double low, double high);
    void clipDragFinished(const QString& point, double low, double high);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    enum class Handle { None, Low, High };

    void rebuild();
    void clearSeries();
    void addHistogram();
    void addBatchOverlay();
    void addCompareLines();
    QCPItemStraightLine* addVerticalLine(double x, const QPen& pen);
    void setLinePosition(QCPItemStraightLine* line, double x);
    void updateClipLines();
    void updateEstimate();
    void updateValueAxis();
    void updateLegendLayout();
    void onMousePress(QMouseEvent* event);
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);
    Handle handleAt(int pixelX) const;
    int currentRow() const;

    PointTableModel* m_model;
    QString m_point;
    QCustomPlot* m_plot;
    QLabel* m_title;
    QLabel* m_estimateLabel;
    QCheckBox* m_log;
    QCheckBox* m_compare;
    QCheckBox* m_batches;

    QCPGraph* m_histogram = nullptr;
    QCPGraph* m_clipLegend = nullptr;
    std::vector<QCPGraph*> m_batchGraphs;
    std::vector<QCPItemStraightLine*> m_compareLines;
    std::vector<QCPGraph*> m_compareLegend;
    QCPItemStraightLine* m_lowLine = nullptr;
    QCPItemStraightLine* m_highLine = nullptr;
    QCPItemStraightLine* m_minLine = nullptr;
    QCPItemStraightLine* m_maxLine = nullptr;
    double m_low = 0;
    double m_high = 0;
    bool m_hasClip = false;
    Handle m_drag = Handle::None;
    ErrorEstimate m_estimate;
    bool m_hasEstimate = false;
    MeasuredError m_measured;
    double m_maxCount = 1;
};

} // namespace cs::ui

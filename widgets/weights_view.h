#pragma once
#include <QWidget>

class QComboBox;
class QCPBars;
class QCPGraph;
class QCustomPlot;
class QLabel;

namespace cs {
struct WeightCalibration;
}

namespace cs::ui {

struct WeightRepairChange;

// Per-channel weight ranges of one conv/linear as bars: min below zero, max above, before
// and/or after batch-norm folding, with the per-channel scale on the right axis. For a
// repaired layer, below them: the bias shift per channel and the weight histogram before and
// after the repair.
class WeightsView : public QWidget {
    Q_OBJECT
public:
    enum class Show { Folded, Unfolded, Both };

    explicit WeightsView(QWidget* parent = nullptr);

    // nullptr clears the view (the point has no weight). The data is copied.
    void setWeight(const WeightCalibration* weight);
    void setShow(Show show);
    // nullptr hides the repair plots (the layer was not repaired). The data is copied.
    void setRepairChange(const WeightRepairChange* change);
    bool showsRepair() const { return m_hasRepair; }

    QCustomPlot* plot() const { return m_plot; }
    int channelCount() const { return m_channels; }
    QCPBars* foldedMaxBars() const { return m_foldedMax; }
    QCPGraph* scaleGraph() const { return m_scale; }
    QCustomPlot* biasShiftPlot() const { return m_shiftPlot; }
    QCustomPlot* repairHistogramPlot() const { return m_histPlot; }
    QCPBars* biasShiftBars() const { return m_shiftBars; }
    QCPGraph* histogramBefore() const { return m_histBefore; }
    QCPGraph* histogramAfter() const { return m_histAfter; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void rebuildRepair();

    QLabel* m_title;
    QComboBox* m_show;
    QCustomPlot* m_plot;
    QCPBars* m_foldedMin = nullptr;
    QCPBars* m_foldedMax = nullptr;
    QCPBars* m_unfoldedMin = nullptr;
    QCPBars* m_unfoldedMax = nullptr;
    QCPGraph* m_scale = nullptr;
    int m_channels = 0;
    QString m_name;
    QString m_details;
    QVector<double> m_foldedLo, m_foldedHi, m_unfoldedLo, m_unfoldedHi, m_scales;

    QWidget* m_repairRow = nullptr;
    QLabel* m_repairTitle = nullptr;
    QCustomPlot* m_shiftPlot = nullptr;
    QCustomPlot* m_histPlot = nullptr;
    QCPBars* m_shiftBars = nullptr;
    QCPGraph* m_histBefore = nullptr;
    QCPGraph* m_histAfter = nullptr;
    bool m_hasRepair = false;
    QString m_repairLayer;
    QVector<double> m_biasShift, m_binCenters, m_countsBefore, m_countsAfter;
    double m_maxWeightChange = 0;
};

} // namespace cs::ui

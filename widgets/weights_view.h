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

// Per-channel weight ranges of one conv/linear as bars: min below zero, max above, before
// and/or after batch-norm folding, with the per-channel scale on the right axis.
class WeightsView : public QWidget {
    Q_OBJECT
public:
    enum class Show { Folded, Unfolded, Both };

    explicit WeightsView(QWidget* parent = nullptr);

    // nullptr clears the view (the point has no weight). The data is copied.
    void setWeight(const WeightCalibration* weight);
    void setShow(Show show);

    QCustomPlot* plot() const { return m_plot; }
    int channelCount() const { return m_channels; }
    QCPBars* foldedMaxBars() const { return m_foldedMax; }
    QCPGraph* scaleGraph() const { return m_scale; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();

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
};

} // namespace cs::ui

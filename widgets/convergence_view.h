#pragma once
// The Convergence tab beside the histogram: one point's clip range after 1, 2, ..., N
// batches (the observer replayed over the session's per-batch statistics), the bootstrap band
// of the final range, and the batch after which the range stays within the tolerance.
#include "core/analysis/convergence.h"

#include <QString>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QLabel;

namespace cs::ui {

class ConvergenceView : public QWidget {
    Q_OBJECT
public:
    explicit ConvergenceView(QWidget* parent = nullptr);

    // nullptr: nothing analysed (yet); `computing` says one is under way.
    void setReport(std::shared_ptr<const ConvergenceReport> report);
    void setComputing(bool computing);
    void setPoint(const QString& point);

    const ConvergenceReport* report() const { return m_report.get(); }
    QString point() const { return m_point; }
    // What the view says above the plot (the model verdict and the point's).
    QString verdictText() const;
    QString pointText() const;
    QCustomPlot* plot() const { return m_plot; }

private:
    void rebuild();

    std::shared_ptr<const ConvergenceReport> m_report;
    QString m_point;
    bool m_computing = false;
    QLabel* m_verdict = nullptr;
    QLabel* m_pointLabel = nullptr;
    QCustomPlot* m_plot = nullptr;
};

// "settled after 4 batches (128 images)", "never settles", "one batch" ...: what the point
// table's "Settled after" column and the view say of a point.
QString settledText(const ConvergenceReport& report, const ConvergencePoint& point);
// The model-level verdict: one batch, settled after K batches, or not settled at P points.
QString convergenceVerdict(const ConvergenceReport& report);

} // namespace cs::ui

#include "widgets/convergence_view.h"

#include "widgets/plot_style.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/table_items.h"

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace cs::ui {

QString settledText(const ConvergenceReport& report, const ConvergencePoint& point)
{
    if (!point.replayed)
        return ConvergenceView::tr("not replayed: %1").arg(QString::fromStdString(point.note));
    if (report.oneBatch)
        return ConvergenceView::tr("one batch: nothing to converge");
    if (point.settledAfter == 0)
        return ConvergenceView::tr("no range");
    if (!point.settled)
        return ConvergenceView::tr("never settles: the range still moves in the last batches");
    return ConvergenceView::tr("settled after %n batch(es) (%1 images)", nullptr, point.settledAfter)
        .arg(qint64(point.settledAfter) * report.batchSize);
}

QString convergenceVerdict(const ConvergenceReport& report)
{
    if (report.oneBatch)
        return ConvergenceView::tr("The calibration has one batch: there is nothing to converge and no bootstrap band. "
                                   "Calibrate with more batches.");
    if (report.settled)
        return ConvergenceView::tr("Ranges settled after %n batch(es) (%1 images) at every point.", nullptr,
                                   report.settledAfter)
            .arg(qint64(report.settledAfter) * report.batchSize);
    return ConvergenceView::tr("Not settled at %n point(s): add data.", nullptr, report.unsettled);
}

ConvergenceView::ConvergenceView(QWidget* parent) : QWidget(parent)
{
    m_verdict = makeTextLabel(this, QStringLiteral("convergenceVerdict"));
    m_pointLabel = makeTextLabel(this, QStringLiteral("convergencePoint"));
    // As low as the histogram beside it: the tab must not raise the window above a laptop screen.
    m_plot = makePlot(this, QStringLiteral("convergencePlot"), 80);
    m_plot->xAxis->setLabel(tr("batches"));
    m_plot->yAxis->setLabel(tr("clip range"));
    showCompactLegend(m_plot, font());
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignVCenter | Qt::AlignRight);
    // Batches are whole numbers: ticks on integers, more than one apart when they crowd.
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(ticker);
    applyPlotTheme(m_plot);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_verdict);
    layout->addWidget(m_pointLabel);
    layout->addWidget(m_plot, 1);
    rebuild();
}

void ConvergenceView::setReport(std::shared_ptr<const ConvergenceReport> report)
{
    m_report = std::move(report);
    m_computing = false;
    rebuild();
}

void ConvergenceView::setComputing(bool computing)
{
    m_computing = computing;
    rebuild();
}

void ConvergenceView::setPoint(const QString& point)
{
    m_point = point;
    rebuild();
}

QString ConvergenceView::verdictText() const { return m_verdict->text(); }
QString ConvergenceView::pointText() const { return m_pointLabel->text(); }

void ConvergenceView::rebuild()
{
    m_plot->clearGraphs();
    m_plot->clearItems();
    m_plot->clearPlottables();
    const ConvergencePoint* p = nullptr;
    if (m_report)
        for (const auto& candidate : m_report->points)
            if (QString::fromStdString(candidate.name) == m_point)
                p = &candidate;
    if (m_computing)
        m_verdict->setText(tr("Replaying the observers over the calibration batches…"));
    else if (!m_report)
        m_verdict->setText(tr("Calibrate to see how the clip ranges converge over the batches."));
    else
        m_verdict->setText(convergenceVerdict(*m_report));
    m_pointLabel->setText(p ? QStringLiteral("%1: %2").arg(m_point, settledText(*m_report, *p)) : QString());
    if (!p || !p->replayed || p->clipMax.empty()) {
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }

    const int n = int(p->clipMax.size());
    QVector<double> x, lo, hi;
    for (int i = 0; i < n; ++i) {
        x << double(i + 1);
        lo << double(p->clipMin[size_t(i)]);
        hi << double(p->clipMax[size_t(i)]);
    }
    const double finalLo = lo.back(), finalHi = hi.back();
    double yMin = std::min(*std::min_element(lo.begin(), lo.end()), 0.0);
    double yMax = std::max(*std::max_element(hi.begin(), hi.end()), 0.0);

    // The bootstrap band: where the final range lands when the batches are drawn again (5th
    // to 95th percentile of the scale, applied to the final range), and the tolerance around it.
    if (p->hasBand) {
        const QColor band = QColor(120, 120, 120, 60);
        bool named = false; // one legend entry for both bands
        for (const double end : {finalLo, finalHi}) {
            if (end == 0)
                continue;
            auto* upper = m_plot->addGraph();
            auto* lower = m_plot->addGraph();
            const double a = end * (1.0 + p->scaleLowPct / 100.0), b = end * (1.0 + p->scaleHighPct / 100.0);
            upper->setData({1.0, double(n)}, {std::max(a, b), std::max(a, b)});
            lower->setData({1.0, double(n)}, {std::min(a, b), std::min(a, b)});
            upper->setPen(Qt::NoPen);
            lower->setPen(Qt::NoPen);
            upper->setBrush(QBrush(band));
            upper->setChannelFillGraph(lower);
            upper->setName(tr("bootstrap 5–95 %"));
            lower->removeFromLegend();
            if (named)
                upper->removeFromLegend();
            named = true;
            yMin = std::min(yMin, std::min(a, b));
            yMax = std::max(yMax, std::max(a, b));
        }
    }
    auto* high = m_plot->addGraph();
    high->setData(x, hi);
    high->setPen(QPen(clipColor(), 2));
    high->setName(tr("clip max after k batches"));
    high->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    auto* low = m_plot->addGraph();
    low->setData(x, lo);
    low->setPen(QPen(clipColor(), 2, Qt::DashLine));
    low->setName(tr("clip min after k batches"));
    low->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    if (p->settled && p->settledAfter > 0) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(p->settledAfter, 0);
        line->point2->setCoords(p->settledAfter, 1);
        line->setPen(QPen(seriesColor(2), 1.5, Qt::DotLine));
        auto* text = new QCPItemText(m_plot);
        text->position->setCoords(p->settledAfter, yMax);
        text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        text->setText(QStringLiteral(" ") + tr("within %1 % from here").arg(m_report->tolerance * 100.0, 0, 'g', 3));
        text->setColor(palette().color(QPalette::WindowText));
    }
    const double pad = 0.05 * std::max(yMax - yMin, 1e-6);
    m_plot->xAxis->setRange(0.5, double(n) + 0.5);
    m_plot->yAxis->setRange(yMin - pad, yMax + pad);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace cs::ui

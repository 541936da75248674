#include "widgets/report/report_plots.h"

#include "core/evaluation.h"

#include "widgets/histogram_view.h"
#include "widgets/plot_style.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/report/report_html.h"

#include <QLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cs::ui {
namespace {

// Beyond this many point names on the x axis only every k-th is labelled: rotated labels
// closer than a line height overlap.
constexpr int kMaxAxisLabels = 40;
// A compared observer's range is plotted when it reaches at most this many data spans
// beyond the data and the chosen range.
constexpr double kCompareReach = 1.0;

void prepareStandalonePlot(QCustomPlot& plot, QSize size)
{
    plot.setPalette(reportPalette());
    plot.resize(size);
    applyPlotTheme(&plot);
}

QImage toImage(QCustomPlot& plot, QSize size)
{
    // Category axes: a "zero line" through the first bar or point means nothing.
    plot.xAxis->grid()->setZeroLinePen(Qt::NoPen);
    // toPixmap lays the plot out at exactly this size (scale 1: no device-pixel-ratio
    // surprises on HiDPI screens), so every report has the same image sizes.
    return plot.toPixmap(size.width(), size.height(), 1.0).toImage();
}

// The metric the accuracy chart and table rank by.

} // namespace

QPalette reportPalette()
{
    QPalette p;
    const QColor white(Qt::white), black(0x1d, 0x1d, 0x1f), button(0xf0, 0xf0, 0xf0);
    for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        p.setColor(group, QPalette::Window, white);
        p.setColor(group, QPalette::Base, white);
        p.setColor(group, QPalette::AlternateBase, button);
        p.setColor(group, QPalette::WindowText, black);
        p.setColor(group, QPalette::Text, black);
        p.setColor(group, QPalette::Button, button);
        p.setColor(group, QPalette::ButtonText, black);
    }
    return p;
}

HistogramRenderer::HistogramRenderer(PointTableModel* model, QSize size, bool logScale)
    : m_model(model), m_size(size), m_view(std::make_unique<HistogramView>(model))
{
    // The plot first: the view re-themes its plot from the plot's palette when its own
    // palette changes, and children only inherit a palette after that event.
    m_view->plot()->setPalette(reportPalette());
    m_view->setPalette(reportPalette());
    m_view->setLogScale(logScale);
    m_view->setShowCompare(true);
    m_view->setShowBatches(false);
    m_view->plot()->setFixedSize(size);
    // Never shown: no platform window at all (the offscreen platform of the CLI would warn
    // about size hints on stderr). A hidden widget only queues its resize events; rendering
    // it once delivers them, so QCustomPlot's viewport, which the legend wrapping reads, is
    // the final one before the first point is drawn.
    m_view->adjustSize();
    if (m_view->layout())
        m_view->layout()->activate();
    QImage flush(1, 1, QImage::Format_ARGB32);
    m_view->render(&flush);
}

HistogramRenderer::~HistogramRenderer() = default;

QImage HistogramRenderer::render(const QString& point, QStringList* outside)
{
    m_view->setPoint(point);
    m_view->refresh(); // legend wrapping for the final viewport
    QCustomPlot* plot = m_view->plot();
    // The view fits the data and the chosen range; the report also wants the compared
    // observers' ranges in sight, except those far outside the data (fixed_scale's default
    // [-128, 127] next to data in [0, 6]), which would squeeze the histogram into a sliver.
    if (const PointCalibration* p = m_model->point(m_model->rowOf(point)); p && p->stats.hasData()) {
        double lo = p->stats.min, hi = p->stats.max;
        if (!p->result.min.empty() && !p->result.max.empty()) {
            lo = std::min<double>(lo, p->result.min.front());
            hi = std::max<double>(hi, p->result.max.front());
        }
        const double span = std::max(1e-6, hi - lo);
        const double limitLo = lo - kCompareReach * span, limitHi = hi + kCompareReach * span;
        for (const auto& [name, r] : p->compare) {
            if (!r.hasStatistics || r.min.empty() || r.max.empty())
                continue;
            const double a = r.min.front(), b = r.max.front();
            if (std::isfinite(a) && std::isfinite(b) && a >= limitLo && b <= limitHi) {
                lo = std::min(lo, a);
                hi = std::max(hi, b);
            } else if (outside) {
                *outside << QString::fromStdString(name);
            }
        }
        const double margin = std::max(1e-6, (hi - lo) * 0.06);
        plot->xAxis->setRange(lo - margin, hi + margin);
    }
    return toImage(*plot, m_size);
}

QImage renderAccuracyChart(const EvaluationResult& e, QSize size)
{
    QCustomPlot plot;
    prepareStandalonePlot(plot, size);
    const bool labels = e.hasLabels;
    // One bar series per role, so float, the plans and the observers get their own colour
    // (grey reference, the plan in the clip colour, the automatic plan green, observers blue).
    auto* floatBars = new QCPBars(plot.xAxis, plot.yAxis);
    auto* planBars = new QCPBars(plot.xAxis, plot.yAxis);
    auto* autoBars = new QCPBars(plot.xAxis, plot.yAxis);
    auto* observerBars = new QCPBars(plot.xAxis, plot.yAxis);
    const std::pair<QCPBars*, QColor> styles[] = {{floatBars, QColor(0x7f, 0x7f, 0x7f)},
                                                  {planBars, clipColor()},
                                                  {autoBars, seriesColor(2)},
                                                  {observerBars, seriesColor(0)}};
    for (const auto& [bars, color] : styles) {
        bars->setPen(QPen(color.darker(130)));
        bars->setBrush(color);
        bars->setWidth(0.6);
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double lo = 100, hi = 0;
    for (size_t i = 0; i < e.accuracy.size(); ++i) {
        const AccuracyRow& row = e.accuracy[i];
        const double v = 100.0 * rowAccuracy(row.metrics, labels);
        QCPBars* bars = row.label == kFloatRow ? floatBars
                        : row.label == kPlanRow ? planBars
                        : row.label == kAutoRow ? autoBars
                                              : observerBars;
        bars->addData(double(i), v);
        ticker->addTick(double(i), QString::fromStdString(row.label));
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        auto* text = new QCPItemText(&plot);
        text->position->setCoords(double(i), v);
        text->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        text->setText(QString::number(v, 'f', 2));
        text->setColor(reportPalette().color(QPalette::Text));
        text->setPadding(QMargins(0, 0, 0, 2));
    }
    plot.xAxis->setTicker(ticker);
    plot.xAxis->setSubTicks(false);
    plot.xAxis->setTickLength(0, 4);
    if (e.accuracy.size() > 6)
        plot.xAxis->setTickLabelRotation(30);
    plot.xAxis->setRange(-0.7, double(e.accuracy.size()) - 0.3);
    // The differences between plans are often fractions of a percent: the value axis starts
    // near the lowest bar (the numbers above the bars say the rest).
    const double spread = std::max(1.0, hi - lo);
    const double bottom = std::max(0.0, std::floor(lo - 1.5 * spread));
    plot.yAxis->setRange(bottom, std::min(100.0, hi + 0.35 * spread) + (hi >= 99.5 ? 0.6 : 0.0));
    plot.yAxis->setLabel(labels ? HtmlReport::tr("top-1 accuracy (%)")
                                : HtmlReport::tr("agreement with the float model's top-1 (%)"));
    // No legend: the tick labels name every bar, and a legend would cover the lower bars.
    plot.legend->setVisible(false);
    applyPlotTheme(&plot);
    return toImage(plot, size);
}

QImage renderPropagationChart(const CalibrationResult& calibration, const EvaluationResult& e, QSize size)
{
    QCustomPlot plot;
    prepareStandalonePlot(plot, size);
    // Op order: the evaluation lists points as it met them, but sort to be sure.
    std::vector<const PointEvaluation*> points;
    for (const auto& p : e.points)
        points.push_back(&p);
    const auto opIndex = [&](const PointEvaluation* p) {
        const PointCalibration* c = calibration.point(p->name);
        return c ? c->opIndex : std::numeric_limits<int>::max();
    };
    std::stable_sort(points.begin(), points.end(),
                     [&](const auto* a, const auto* b) { return opIndex(a) < opIndex(b); });

    QVector<double> keys, local, accumulated;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const int n = int(points.size());
    const int step = std::max(1, (n + kMaxAxisLabels - 1) / kMaxAxisLabels);
    double hi = 0, lo = std::numeric_limits<double>::infinity();
    for (int i = 0; i < n; ++i) {
        keys << double(i);
        // An error-free point (SQNR +inf) leaves a gap instead of a spike to infinity.
        const double l = points[size_t(i)]->local.sqnrDb, a = points[size_t(i)]->accumulated.sqnrDb;
        local << (std::isfinite(l) ? l : qQNaN());
        accumulated << (std::isfinite(a) ? a : qQNaN());
        for (double v : {l, a})
            if (std::isfinite(v)) {
                hi = std::max(hi, v);
                lo = std::min(lo, v);
            }
        if (i % step == 0)
            ticker->addTick(double(i), QString::fromStdString(points[size_t(i)]->name));
    }
    QCPGraph* localGraph = plot.addGraph();
    localGraph->setName(HtmlReport::tr("local SQNR (only this point quantized)"));
    localGraph->setPen(QPen(seriesColor(0), 2));
    localGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    localGraph->setData(keys, local, true);
    QCPGraph* accGraph = plot.addGraph();
    accGraph->setName(HtmlReport::tr("accumulated SQNR (plan up to this point)"));
    accGraph->setPen(QPen(clipColor(), 2));
    accGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, 6));
    accGraph->setData(keys, accumulated, true);

    plot.xAxis->setTicker(ticker);
    plot.xAxis->setSubTicks(false);
    // Rotated names only when horizontal ones would run into each other.
    if (n > 10)
        plot.xAxis->setTickLabelRotation(55);
    QFont small = plot.xAxis->tickLabelFont();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    plot.xAxis->setTickLabelFont(small);
    plot.xAxis->setRange(-0.5, std::max(0.5, double(n) - 0.5));
    plot.yAxis->setLabel(HtmlReport::tr("SQNR (dB)"));
    if (std::isfinite(lo))
        plot.yAxis->setRange(std::min(0.0, lo - 3.0), hi + 0.12 * std::max(10.0, hi - lo));
    else
        plot.yAxis->setRange(0, 60);
    plot.legend->setVisible(true);
    plot.axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    applyPlotTheme(&plot);
    return toImage(plot, size);
}

} // namespace cs::ui

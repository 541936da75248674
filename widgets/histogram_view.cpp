#include "widgets/histogram_view.h"

#include "core/observers/quant_math.h"
#include "widgets/change_reactions.h"
#include "widgets/plot_style.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/table_items.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace cs::ui {

namespace {

// How close (in pixels) the mouse must be to a clip line to grab it.
constexpr int kGrabDistance = 6;
// Per-batch overlays beyond this many batches are subsampled: more lines are only noise.
constexpr int kMaxBatchGraphs = 32;
// Log scale: empty bins sit below the visible range instead of at log(0).
constexpr double kLogFloor = 0.5;

} // namespace

HistogramView::HistogramView(PointTableModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("histogramTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_log = new QCheckBox(tr("Log scale"), this);
    m_log->setObjectName(QStringLiteral("histogramLog"));
    m_compare = new QCheckBox(tr("Compare observers"), this);
    m_compare->setObjectName(QStringLiteral("histogramCompare"));
    m_compare->setChecked(true);
    m_batches = new QCheckBox(tr("Per-batch |x|"), this);
    m_batches->setObjectName(QStringLiteral("histogramBatches"));
    m_batches->setToolTip(tr("Overlay each batch's |x| histogram, scaled to the bins of the accumulated one"));
    auto* reset = new QPushButton(tr("Reset zoom"), this);

    m_plot = makePlot(this, QStringLiteral("histogramPlot"), 80);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_plot->xAxis->setLabel(tr("value"));
    m_plot->yAxis->setLabel(tr("count"));
    // The legend lives beside the plot: with every compare observer it would hide the data.
    const QFont legendFont = showCompactLegend(m_plot, font());
    // A column of its own, legend at the top and an empty element taking the rest, so the
    // entries stay together instead of spreading over the plot's height.
    auto* side = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(0, 1, side);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    side->addElement(0, 0, m_plot->legend);
    side->addElement(1, 0, new QCPLayoutElement(m_plot));
    side->setRowStretchFactor(0, 0.001);
    side->setMargins(QMargins(0, 8, 4, 0));
    // Compact entries that wrap into a second column: with every compare observer listed,
    // squeezed rows would clip their text.
    // An icon a little taller than the text: the item's clip rect follows it, and at the
    // font's own height the underscores of observer names were cut off.
    m_plot->legend->setIconSize(18, QFontMetrics(legendFont).height() + 3);
    m_plot->legend->setRowSpacing(0);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foRowsFirst);
    applyPlotTheme(m_plot);

    m_estimateLabel = makeTextLabel(this, QStringLiteral("histogramEstimate"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    bar->addWidget(m_log);
    bar->addWidget(m_compare);
    bar->addWidget(m_batches);
    bar->addWidget(reset);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_estimateLabel);

    connect(m_log, &QCheckBox::toggled, this, [this] {
        updateValueAxis();
        rebuild();
    });
    connect(m_compare, &QCheckBox::toggled, this, [this] { rebuild(); });
    connect(m_batches, &QCheckBox::toggled, this, [this] { rebuild(); });
    connect(reset, &QPushButton::clicked, this, [this] {
        rebuild();
        m_plot->xAxis->rescale();
        updateValueAxis();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
    connect(m_plot, &QCustomPlot::mousePress, this, &HistogramView::onMousePress);
    connect(m_plot, &QCustomPlot::mouseMove, this, &HistogramView::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &HistogramView::onMouseRelease);

    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_drag = Handle::None;
        m_plot->setInteraction(QCP::iRangeDrag, true);
        rebuild();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from, const QModelIndex& to) {
        const int row = currentRow();
        // A new plan value arriving mid-drag would yank the handle out of the user's hand.
        if (row >= from.row() && row <= to.row() && !isDragging())
            rebuild();
    });
    rebuild();
    reactToChanges(this, {}, m_plot, [this] { rebuild(); });
}

int HistogramView::currentRow() const { return m_model->rowOf(m_point); }

void HistogramView::setPoint(const QString& name)
{
    if (name == m_point)
        return;
    m_point = name;
    m_drag = Handle::None;
    m_plot->setInteraction(QCP::iRangeDrag, true);
    rebuild();
    // A new point gets the view that fits its data; refreshes of the same point keep the zoom.
    const PointCalibration* p = m_model->point(currentRow());
    if (p && p->stats.hasData()) {
        double lo = std::min<double>(p->stats.min, m_hasClip ? m_low : p->stats.min);
        double hi = std::max<double>(p->stats.max, m_hasClip ? m_high : p->stats.max);
        const double margin = std::max(1e-6, (hi - lo) * 0.08);
        m_plot->xAxis->setRange(lo - margin, hi + margin);
    }
    updateValueAxis();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool HistogramView::logScale() const { return m_log->isChecked(); }
void HistogramView::setLogScale(bool on) { m_log->setChecked(on); }
void HistogramView::setShowCompare(bool on) { m_compare->setChecked(on); }
void HistogramView::setShowBatches(bool on) { m_batches->setChecked(on); }

void HistogramView::clearSeries()
{
    m_plot->clearGraphs();
    m_plot->clearItems();
    m_histogram = nullptr;
    m_clipLegend = nullptr;
    m_batchGraphs.clear();
    m_compareLines.clear();
    m_compareLegend.clear();
    m_lowLine = m_highLine = m_minLine = m_maxLine = nullptr;
}

QCPItemStraightLine* HistogramView::addVerticalLine(double x, const QPen& pen)
{
    auto* line = new QCPItemStraightLine(m_plot);
    // x in data coordinates, y spanning the axis rect: valid on a log axis too.
    line->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
    line->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
    line->setPen(pen);
    line->setSelectable(false);
    setLinePosition(line, x);
    return line;
}

void HistogramView::setLinePosition(QCPItemStraightLine* line, double x)
{
    line->point1->setCoords(x, 0.0);
    line->point2->setCoords(x, 1.0);
}

void HistogramView::addHistogram()
{
    const PointCalibration& p = *m_model->point(currentRow());
    const HistogramData& h = p.stats.histogram;
    m_histogram = m_plot->addGraph();
    m_histogram->setName(tr("histogram"));
    m_histogram->setLineStyle(QCPGraph::lsStepLeft);
    QColor fill = seriesColor(0);
    m_histogram->setPen(QPen(fill));
    fill.setAlpha(90);
    m_histogram->setBrush(fill);
    QVector<double> keys, values;
    keys.reserve(int(h.counts.size()) + 1);
    values.reserve(int(h.counts.size()) + 1);
    const double width = h.binWidth();
    const bool log = logScale();
    m_maxCount = 1;
    for (size_t i = 0; i < h.counts.size(); ++i) {
        keys << h.lo + width * double(i);
        values << (log ? std::max(h.counts[i], kLogFloor / 4) : h.counts[i]);
        m_maxCount = std::max(m_maxCount, h.counts[i]);
    }
    if (!h.counts.empty()) {
        // The step of the last bin needs its right edge.
        keys << h.hi;
        values << values.back();
    }
    m_histogram->setData(keys, values, true);
}

void HistogramView::addBatchOverlay()
{
    const PointCalibration& p = *m_model->point(currentRow());
    const double accWidth = p.stats.histogram.binWidth();
    const int n = int(p.stats.batches.size());
    const int step = std::max(1, (n + kMaxBatchGraphs - 1) / kMaxBatchGraphs);
    QColor color = seriesColor(1);
    color.setAlpha(110);
    for (int b = 0; b < n && accWidth > 0; b += step) {
        const BatchSummary& batch = p.stats.batches[size_t(b)];
        if (batch.absMax <= 0 || batch.absHistogram.empty())
            continue;
        const double width = double(batch.absMax) / double(batch.absHistogram.size());
        // Counts per accumulated-histogram bin, so the overlay reads on the same axis.
        const double factor = accWidth / width;
        QVector<double> keys, values;
        for (size_t j = 0; j < batch.absHistogram.size(); ++j) {
            keys << (double(j) + 0.5) * width;
            const double v = double(batch.absHistogram[j]) * factor / double(n);
            values << (logScale() ? std::max(v, kLogFloor / 4) : v);
        }
        QCPGraph* graph = m_plot->addGraph();
        graph->setPen(QPen(color, 1));
        graph->setData(keys, values, true);
        if (m_batchGraphs.empty())
            graph->setName(tr("batch |x| (÷ batches)"));
        else
            graph->removeFromLegend();
        m_batchGraphs.push_back(graph);
    }
}

void HistogramView::addCompareLines()
{
    const PointCalibration& p = *m_model->point(currentRow());
    int colorIndex = 2;
    for (const auto& [name, result] : p.compare) {
        if (result.min.empty() || result.max.empty() || !result.hasStatistics)
            continue;
        const QPen pen(seriesColor(colorIndex++), 1, Qt::DashDotLine);
        m_compareLines.push_back(addVerticalLine(result.min.front(), pen));
        m_compareLines.push_back(addVerticalLine(result.max.front(), pen));
        QCPGraph* legend = m_plot->addGraph();
        legend->setPen(pen);
        legend->setName(QString::fromStdString(name));
        m_compareLegend.push_back(legend);
    }
}

void HistogramView::rebuild()
{
    clearSeries();
    m_hasClip = false;
    m_hasEstimate = false;
    const int row = currentRow();
    const PointCalibration* p = m_model->point(row);
    m_plot->legend->setVisible(p != nullptr); // an empty legend is just a stray box
    if (!p) {
        if (m_model->rowCount() == 0)
            m_title->setText(tr("No calibration yet: Calibration ▸ Calibrate (F5) collects the histograms."));
        else
            m_title->setText(m_point.isEmpty() ? tr("Select a point to see its histogram.")
                                               : tr("%1: not in this calibration").arg(m_point));
        m_estimateLabel->clear();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const OpInfo* op = m_model->op(row);
    m_title->setText(tr("%1 (%2) — %3 values in %4 batches")
                         .arg(m_point, op ? QString::fromStdString(op->kind) : QString())
                         .arg(p->stats.count)
                         .arg(p->stats.batches.size()));
    addHistogram();
    if (m_batches->isChecked())
        addBatchOverlay();

    m_clipLegend = m_plot->addGraph();
    m_clipLegend->setPen(QPen(clipColor(), 2));
    m_clipLegend->setName(tr("clip range (%1)").arg(QString::fromStdString(p->config.name)));
    if (!p->result.min.empty() && !p->result.max.empty()) {
        m_hasClip = true;
        m_low = p->result.min.front();
        m_high = p->result.max.front();
        m_lowLine = addVerticalLine(m_low, QPen(clipColor(), 2));
        m_highLine = addVerticalLine(m_high, QPen(clipColor(), 2));
    }
    if (p->stats.hasData()) {
        const QPen pen(palette().color(QPalette::WindowText), 1, Qt::DashLine);
        m_minLine = addVerticalLine(p->stats.min, pen);
        m_maxLine = addVerticalLine(p->stats.max, pen);
        QCPGraph* legend = m_plot->addGraph();
        legend->setPen(pen);
        legend->setName(tr("data min/max"));
    }
    if (m_compare->isChecked())
        addCompareLines();
    updateLegendLayout();
    updateValueAxis();
    updateEstimate();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HistogramView::updateLegendLayout()
{
    QCPLegend* legend = m_plot->legend;
    int itemHeight = 1;
    for (int i = 0; i < legend->itemCount(); ++i)
        // itemCount() counts cells: once wrapped into columns, the last ones may be empty.
        if (const QCPAbstractLegendItem* item = legend->item(i))
            itemHeight = std::max(itemHeight, item->minimumOuterSizeHint().height() + legend->rowSpacing());
    // The side column's top margin, the legend's own margins and a little slack.
    const int available = m_plot->viewport().height() - 8 - legend->margins().top() - legend->margins().bottom() - 8;
    const int rows = std::max(3, available / itemHeight);
    if (m_plot->legend->wrap() != rows) {
        m_plot->legend->setWrap(rows);
        m_plot->legend->setFillOrder(QCPLayoutGrid::foRowsFirst, true);
    }
}

void HistogramView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateLegendLayout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HistogramView::updateValueAxis()
{
    if (logScale()) {
        m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        m_plot->yAxis->setRange(kLogFloor, std::max(10.0, m_maxCount * 2.0));
    } else {
        m_plot->yAxis->setScaleType(QCPAxis::stLinear);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        m_plot->yAxis->setRange(0, std::max(1.0, m_maxCount * 1.08));
    }
}

void HistogramView::updateClipLines()
{
    if (m_lowLine)
        setLinePosition(m_lowLine, m_low);
    if (m_highLine)
        setLinePosition(m_highLine, m_high);
}

void HistogramView::updateEstimate()
{
    const PointCalibration* p = m_model->point(currentRow());
    m_hasEstimate = false;
    if (isDragging()) {
        // What-if: the quantizer the dragged range would give (see clipRangeConfig).
        if (p && !p->config.keepFloat && !p->stats.histogram.counts.empty()) {
            m_estimate = estimateQuantError(p->stats.histogram, float(m_low), float(m_high), p->config.spec);
            m_hasEstimate = true;
        }
    } else if (const ErrorEstimate* e = m_model->estimate(currentRow())) {
        // The table's figure, so both always agree.
        m_estimate = *e;
        m_hasEstimate = true;
    }
    m_estimateLabel->setText(estimateText());
}

void HistogramView::setMeasuredError(const MeasuredError& measured)
{
    m_measured = measured;
    m_estimateLabel->setText(estimateText());
}

void HistogramView::clearMeasuredError(const QString& point)
{
    if (m_measured.point != point)
        return;
    m_measured = {};
    m_estimateLabel->setText(estimateText());
}

QString HistogramView::estimateText() const
{
    const PointCalibration* p = m_model->point(currentRow());
    if (!p)
        return {};
    if (p->config.keepFloat)
        return tr("Kept in float: not quantized.");
    if (!m_hasEstimate)
        return tr("No histogram for an error estimate.");
    const QString prefix = isDragging() ? tr("What-if") : tr("Current");
    QString text = tr("%1: clip [%2, %3] → scale %4, zero point %5 · estimated L2 %6 · SQNR %7 dB · clipped %8 %")
                       .arg(prefix, formatNumber(m_low), formatNumber(m_high), formatNumber(m_estimate.scale))
                       .arg(m_estimate.zeroPoint)
                       .arg(formatNumber(m_estimate.l2, 4), formatNumber(m_estimate.sqnrDb, 4))
                       .arg(m_estimate.clippedFraction * 100.0, 0, 'f', 4);
    if (isDragging()) {
        // The grid's ends rarely fall on the dragged values: say what will be kept.
        const KeptRange kept = keptRange();
        text += QLatin1Char('\n') + tr("Kept on the grid: [%1, %2]").arg(formatNumber(kept.low), formatNumber(kept.high));
    }
    if (!isDragging() && hasMeasuredError())
        text += QLatin1Char('\n')
                + tr("Measured on %1 calibration images (%2 values): L2 %3 · SQNR %4 dB · clipped %5 %")
                      .arg(m_measured.images)
                      .arg(m_measured.values)
                      .arg(formatNumber(m_measured.l2, 4), formatNumber(m_measured.sqnrDb, 4))
                      .arg(m_measured.clippedFraction * 100.0, 0, 'f', 4);
    return text;
}

HistogramView::KeptRange HistogramView::keptRange() const
{
    const PointCalibration* p = m_model->point(currentRow());
    if (!p || !m_hasEstimate)
        return {m_low, m_high};
    // The table's clip columns after the edit: the grid of the what-if scale and zero point.
    obs::ObserverResult result;
    result.scale = {m_estimate.scale};
    result.zeroPoint = {m_estimate.zeroPoint};
    result.hasStatistics = true;
    float low = 0, high = 0;
    quantizerRange(result, p->config.spec, low, high);
    return {low, high};
}

HistogramView::Handle HistogramView::handleAt(int pixelX) const
{
    if (!m_hasClip || !m_lowLine)
        return Handle::None;
    const double lowX = m_plot->xAxis->coordToPixel(m_low);
    const double highX = m_plot->xAxis->coordToPixel(m_high);
    const double dLow = std::abs(pixelX - lowX), dHigh = std::abs(pixelX - highX);
    if (std::min(dLow, dHigh) > kGrabDistance)
        return Handle::None;
    return dLow < dHigh ? Handle::Low : Handle::High;
}

void HistogramView::onMousePress(QMouseEvent* event)
{
    const PointCalibration* p = m_model->point(currentRow());
    if (event->button() != Qt::LeftButton || !p || p->config.keepFloat)
        return;
    m_drag = handleAt(qRound(event->position().x()));
    if (m_drag != Handle::None)
        // Switched off before QCustomPlot sees the press, so the axes do not pan as well.
        m_plot->setInteraction(QCP::iRangeDrag, false);
}

void HistogramView::onMouseMove(QMouseEvent* event)
{
    if (m_drag == Handle::None) {
        m_plot->setCursor(handleAt(qRound(event->position().x())) == Handle::None ? Qt::ArrowCursor
                                                                                   : Qt::SizeHorCursor);
        return;
    }
    const double x = m_plot->xAxis->pixelToCoord(event->position().x());
    const PointCalibration* p = m_model->point(currentRow());
    if (p && p->config.spec.symmetric()) {
        // A symmetric grid only knows max(|low|, |high|): both ends move together (one-sided
        // data such as a ReLU output keeps its low end at zero).
        const double a = std::abs(x);
        if (m_drag == Handle::Low || m_low < 0)
            m_low = -a;
        m_high = a;
    } else if (m_drag == Handle::Low) {
        m_low = std::min(x, m_high);
    } else {
        m_high = std::max(x, m_low);
    }
    updateClipLines();
    updateEstimate();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    Q_EMIT clipDragged(m_point, m_low, m_high);
}

void HistogramView::onMouseRelease(QMouseEvent* event)
{
    Q_UNUSED(event)
    if (m_drag == Handle::None)
        return;
    m_drag = Handle::None;
    m_plot->setInteraction(QCP::iRangeDrag, true);
    // The what-if figures stay up until the edit comes back through the model.
    Q_EMIT clipDragFinished(m_point, m_low, m_high);
}

} // namespace cs::ui

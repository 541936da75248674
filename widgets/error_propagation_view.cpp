#include "widgets/error_propagation_view.h"

#include "widgets/change_reactions.h"
#include "widgets/plot_style.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/table_items.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cs::ui {

namespace {

// Beyond this many points a name under every tick would overlap: label every k-th, the rest
// show on hover.
constexpr int kMaxTickLabels = 40;
// Up to this many points each gets a marker; beyond, the markers would merge into a band a
// few pixels per point wide, and drawing thousands of them stalls the GUI thread: lines only.
constexpr int kMaxMarkedPoints = 200;
// How far (in pixels) a click may be from a point's x to select it.
constexpr double kClickDistance = 12;

bool finite(double v) { return std::isfinite(v); }

} // namespace

ErrorPropagationView::ErrorPropagationView(QWidget* parent) : EvaluationView(QStringLiteral("propagationStale"), parent)
{
    m_title = makeTextLabel(this, QStringLiteral("propagationTitle"));

    m_plot = makePlot(this, QStringLiteral("propagationPlot"), 70);
    panAndZoomHorizontally(m_plot);
    m_plot->setMouseTracking(true);
    // The legend in a row of its own above the axes: inside, it would hide the first points.
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->legend->setVisible(true);
    m_plot->legend->setMargins(QMargins(6, 2, 6, 2));
    m_plot->xAxis->setTickLabelRotation(50);
    applyPlotTheme(m_plot);

    m_summary = makeTextLabel(this, QStringLiteral("propagationSummary"));

    m_table = makeResultTable(this, QStringLiteral("propagationDrops"), DropColumnCount, 0);
    const int rowHeight = m_table->verticalHeader()->defaultSectionSize();
    // All drops when there is room, the first one on a small screen (the table scrolls).
    const int frame = 2 * m_table->frameWidth() + 4;
    m_table->setMaximumHeight(rowHeight * (kShownDrops + 1) + frame);
    m_table->setMinimumHeight(rowHeight * 2 + frame);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_title);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_table);
    layout->addStretch(0);
    setMinimumSize(360, 150);

    connect(m_plot, &QCustomPlot::mousePress, this, &ErrorPropagationView::onMousePress);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ErrorPropagationView::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &ErrorPropagationView::onMouseRelease);
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (QTableWidgetItem* item = m_table->item(row, DropPoint)) {
            setCurrentPoint(item->text());
            Q_EMIT pointSelected(item->text());
        }
    });
    retranslateUi();
    reactToChanges(this, [this] { retranslateUi(); }, m_plot, [this] { rebuild(); });
}

void ErrorPropagationView::retranslateUi()
{
    m_table->setHorizontalHeaderLabels(
        {tr("Point"), tr("Previous point"), tr("Before (dB)"), tr("At the point (dB)"), tr("Drop (dB)")});
    m_table->horizontalHeaderItem(DropFrom)->setToolTip(tr("The previous point in op order"));
    m_plot->xAxis->setLabel(tr("quantization point (op order)"));
    m_plot->yAxis->setLabel(tr("SQNR (dB)"));
    rebuild();
}

std::vector<ErrorPropagationView::Step> ErrorPropagationView::sqnrDrops(const std::vector<PointEvaluation>& points)
{
    std::vector<Step> steps;
    for (size_t i = 1; i < points.size(); ++i) {
        const double before = points[i - 1].accumulated.sqnrDb;
        const double after = points[i].accumulated.sqnrDb;
        // From "no error" (+inf) every finite value is an infinite drop: firstErrorIndex names
        // that one; the ranking compares measurable steps only.
        if (!finite(before) || !finite(after) || before - after <= 0)
            continue;
        Step s;
        s.index = int(i);
        s.point = QString::fromStdString(points[i].name);
        s.previous = QString::fromStdString(points[i - 1].name);
        s.before = before;
        s.after = after;
        s.drop = before - after;
        steps.push_back(s);
    }
    std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.drop > b.drop; });
    return steps;
}

int ErrorPropagationView::firstErrorIndex(const std::vector<PointEvaluation>& points)
{
    for (size_t i = 0; i < points.size(); ++i)
        if (finite(points[i].accumulated.sqnrDb))
            return int(i);
    return -1;
}

void ErrorPropagationView::setEvaluation(const EvaluationResult& evaluation)
{
    m_points = evaluation.points;
    m_hasEvaluation = true;
    m_names.clear();
    for (const auto& p : m_points)
        m_names << QString::fromStdString(p.name);
    m_drops = sqnrDrops(m_points);
    rebuild();
}

void ErrorPropagationView::clear()
{
    m_banner->setStaleness(Staleness::Current);
    m_points.clear();
    m_names.clear();
    m_drops.clear();
    m_hasEvaluation = false;
    m_current.clear();
    rebuild();
}

QString ErrorPropagationView::summaryText() const { return m_summary->text(); }

void ErrorPropagationView::rebuild()
{
    m_plot->clearGraphs();
    m_plot->clearItems();
    m_local = m_accumulated = m_infinite = nullptr;
    m_marker = nullptr;
    m_plot->legend->setVisible(!m_points.empty());
    // Without data the chart and the table would be empty frames: the title says why.
    m_plot->setVisible(!m_points.empty());
    m_table->setVisible(!m_points.empty());
    if (m_points.empty()) {
        m_title->setText(m_hasEvaluation ? tr("This evaluation has no per-point errors.")
                                         : tr("No evaluation yet: evaluate the plan to see where quantization error "
                                              "enters the network and how it grows."));
        m_summary->clear();
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        rebuildTable();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_title->setText(tr("Local SQNR: only this point quantized. Accumulated SQNR: everything up to this point "
                        "quantized. Click a point to select it."));

    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& p : m_points)
        for (double v : {p.local.sqnrDb, p.accumulated.sqnrDb})
            if (finite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
    if (!finite(lo)) { // nothing finite: every point error-free
        lo = 0;
        hi = 50;
    }
    // +inf (no error) is drawn on the top edge, marked, a little above every finite value.
    m_top = hi + std::max(5.0, (hi - lo) * 0.12);
    const double bottom = lo - std::max(2.0, (hi - lo) * 0.05);

    QVector<double> keys, local, accumulated, infKeys, infValues;
    for (size_t i = 0; i < m_points.size(); ++i) {
        const double key = double(i);
        keys << key;
        const auto shown = [&](double v) {
            if (std::isnan(v))
                return std::numeric_limits<double>::quiet_NaN(); // a gap in the line
            if (v > 0 && std::isinf(v)) {
                infKeys << key;
                infValues << m_top;
                return m_top;
            }
            return std::max(v, bottom);
        };
        local << shown(m_points[i].local.sqnrDb);
        accumulated << shown(m_points[i].accumulated.sqnrDb);
    }
    m_local = m_plot->addGraph();
    m_local->setName(tr("local SQNR"));
    m_local->setPen(QPen(seriesColor(0), 1.5));
    const bool marked = int(m_points.size()) <= kMaxMarkedPoints;
    m_local->setScatterStyle(marked ? QCPScatterStyle(QCPScatterStyle::ssCircle, 5) : QCPScatterStyle());
    m_local->setData(keys, local, true);
    m_accumulated = m_plot->addGraph();
    m_accumulated->setName(tr("accumulated SQNR"));
    m_accumulated->setPen(QPen(clipColor(), 2));
    m_accumulated->setScatterStyle(marked ? QCPScatterStyle(QCPScatterStyle::ssDisc, 5) : QCPScatterStyle());
    m_accumulated->setData(keys, accumulated, true);
    if (!infKeys.isEmpty()) {
        m_infinite = m_plot->addGraph();
        m_infinite->setName(tr("no error (∞ dB)"));
        m_infinite->setLineStyle(QCPGraph::lsNone);
        m_infinite->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangleInverted,
                                                    QPen(palette().color(QPalette::WindowText), 1.5), Qt::NoBrush, 9));
        m_infinite->setData(infKeys, infValues);
    }

    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const int every = std::max(1, (int(m_points.size()) + kMaxTickLabels - 1) / kMaxTickLabels);
    for (int i = 0; i < int(m_points.size()); i += every)
        ticker->addTick(i, m_names[i]);
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setRange(-0.5, double(m_points.size()) - 0.5);
    m_plot->yAxis->setRange(bottom, m_top + (m_top - bottom) * 0.03);

    // The largest step down, shaded, so the eye finds it without the table.
    if (!m_drops.empty()) {
        const Step& s = m_drops.front();
        auto* rect = new QCPItemRect(m_plot);
        rect->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
        rect->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
        rect->topLeft->setCoords(s.index - 1, 0);
        rect->bottomRight->setCoords(s.index, 1);
        QColor shade = clipColor();
        shade.setAlpha(35);
        rect->setBrush(shade);
        rect->setPen(Qt::NoPen);
        rect->setLayer(QStringLiteral("grid"));
    }

    QString summary;
    const int first = firstErrorIndex(m_points);
    if (first >= 0)
        summary = tr("Error first appears at %1 (accumulated SQNR %2 dB).")
                      .arg(m_names[first], formatNumber(m_points[size_t(first)].accumulated.sqnrDb, 4));
    else
        summary = tr("No point adds measurable error.");
    if (!m_drops.empty()) {
        const Step& s = m_drops.front();
        summary += QLatin1Char(' ')
                   + tr("The accumulated SQNR drops most at %1: %2 → %3 dB (−%4 dB after %5).")
                         .arg(s.point, formatNumber(s.before, 4), formatNumber(s.after, 4), formatNumber(s.drop, 3),
                              s.previous);
    }
    m_summary->setText(summary);
    rebuildTable();
    updateMarker();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ErrorPropagationView::rebuildTable()
{
    const int n = std::min(kShownDrops, int(m_drops.size()));
    m_table->setRowCount(n);
    for (int row = 0; row < n; ++row) {
        const Step& s = m_drops[size_t(row)];
        m_table->setItem(row, DropPoint, new QTableWidgetItem(s.point));
        m_table->setItem(row, DropFrom, new QTableWidgetItem(s.previous));
        m_table->setItem(row, DropBefore, numberItem(formatNumber(s.before, 4), s.before, ValueRole));
        m_table->setItem(row, DropAfter, numberItem(formatNumber(s.after, 4), s.after, ValueRole));
        m_table->setItem(row, DropSize, numberItem(formatNumber(s.drop, 4), s.drop, ValueRole));
    }
    m_table->resizeColumnsToContents();
}

void ErrorPropagationView::setCurrentPoint(const QString& point)
{
    m_current = point;
    updateMarker();
    // A queued replot redraws a hidden QCustomPlot as well.
    if (!isVisible()) {
        m_replotOnShow = true;
        return;
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ErrorPropagationView::showEvent(QShowEvent* event)
{
    EvaluationView::showEvent(event);
    if (m_replotOnShow) {
        m_replotOnShow = false;
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void ErrorPropagationView::updateMarker()
{
    const int index = int(m_names.indexOf(m_current));
    if (index < 0) {
        if (m_marker) {
            m_plot->removeItem(m_marker);
            m_marker = nullptr;
        }
        return;
    }
    if (!m_marker) {
        m_marker = new QCPItemStraightLine(m_plot);
        m_marker->setPen(QPen(palette().color(QPalette::Highlight), 1.5, Qt::DashLine));
        m_marker->setSelectable(false);
    }
    m_marker->point1->setCoords(index, 0);
    m_marker->point2->setCoords(index, 1);
}

QString ErrorPropagationView::hoverText(int index) const
{
    if (index < 0 || index >= int(m_points.size()))
        return {};
    const PointEvaluation& p = m_points[size_t(index)];
    return tr("%1 (#%2)\nlocal SQNR %3 dB\naccumulated SQNR %4 dB")
        .arg(m_names[index])
        .arg(index + 1)
        .arg(formatNumber(p.local.sqnrDb, 4), formatNumber(p.accumulated.sqnrDb, 4));
}

int ErrorPropagationView::indexAtPixel(double x) const
{
    if (m_points.empty())
        return -1;
    const int index = int(std::lround(m_plot->xAxis->pixelToCoord(x)));
    if (index < 0 || index >= int(m_points.size()))
        return -1;
    return std::abs(m_plot->xAxis->coordToPixel(index) - x) <= kClickDistance ? index : -1;
}

void ErrorPropagationView::onMousePress(QMouseEvent* event)
{
    m_pressed = event->button() == Qt::LeftButton;
    m_pressPos = event->position().toPoint();
}

void ErrorPropagationView::onMouseMove(QMouseEvent* event)
{
    m_plot->setToolTip(hoverText(indexAtPixel(event->position().x())));
}

void ErrorPropagationView::onMouseRelease(QMouseEvent* event)
{
    // A click selects; a drag pans the axis and selects nothing.
    if (!m_pressed || (event->position().toPoint() - m_pressPos).manhattanLength() > 4)
        return;
    m_pressed = false;
    const int index = indexAtPixel(event->position().x());
    if (index < 0)
        return;
    setCurrentPoint(m_names[index]);
    Q_EMIT pointSelected(m_names[index]);
}

} // namespace cs::ui

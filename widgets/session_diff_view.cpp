#include "widgets/session_diff_view.h"

#include "widgets/plot_style.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/table_items.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace cs::ui {

namespace {

// Rows: the matched points first (in diff order), then those only in A, then only in B.
enum class Side { Both, OnlyA, OnlyB };

QString signedPercent(double v) { return (v >= 0 ? QStringLiteral("+") : QString()) + QString::number(v, 'f', 2); }

QString clipText(float lo, float hi) { return QStringLiteral("[%1, %2]").arg(formatNumber(lo, 4), formatNumber(hi, 4)); }

} // namespace

SessionDiffModel::SessionDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

void SessionDiffModel::setDiff(const SessionDiff& diff)
{
    beginResetModel();
    m_diff = diff;
    endResetModel();
}

int SessionDiffModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_diff.points.size() + m_diff.onlyA.size() + m_diff.onlyB.size());
}

int SessionDiffModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant SessionDiffModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    size_t row = size_t(index.row());
    Side side = Side::Both;
    const PointDiff* d = nullptr;
    std::string name;
    if (row < m_diff.points.size()) {
        d = &m_diff.points[row];
        name = d->name;
    } else if ((row -= m_diff.points.size()) < m_diff.onlyA.size()) {
        side = Side::OnlyA;
        name = m_diff.onlyA[row];
    } else {
        side = Side::OnlyB;
        name = m_diff.onlyB[row - m_diff.onlyA.size()];
    }
    const int column = index.column();
    if (role == PointNameRole)
        return QString::fromStdString(name);
    if (role == SortRole) {
        if (column == Point)
            return index.row();
        if (!d)
            return column == In ? QVariant(int(side)) : QVariant(-1e300);
        switch (column) {
        case ScaleChange: return std::fabs(d->scaleChangePct);
        case RangeChange: return std::fabs(d->rangeChangePct);
        case Distance: return d->jsDivergence;
        case In: return int(side);
        default: break;
        }
    }
    if (role == Qt::TextAlignmentRole)
        return column >= ClipA ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (column) {
    case Point: return QString::fromStdString(name);
    case In:
        return side == Side::Both ? tr("both") : side == Side::OnlyA ? tr("only this session") : tr("only the other");
    default: break;
    }
    if (!d)
        return QString();
    switch (column) {
    case Observer:
        return d->observerA == d->observerB
                   ? QString::fromStdString(d->observerA)
                   : QStringLiteral("%1 → %2").arg(QString::fromStdString(d->observerA),
                                                   QString::fromStdString(d->observerB));
    case ClipA: return clipText(d->minA, d->maxA);
    case ClipB: return clipText(d->minB, d->maxB);
    case ScaleChange: return signedPercent(d->scaleChangePct);
    case RangeChange: return signedPercent(d->rangeChangePct);
    case Distance: return d->jsDivergence < 0 ? QStringLiteral("–") : QString::number(d->jsDivergence, 'f', 5);
    default: return {};
    }
}

QVariant SessionDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ScaleChange: return tr("Change of the scale from this session to the other, in %");
        case RangeChange: return tr("Change of the clip range's larger end (max(|low|, |high|)), in %");
        case Distance:
            return tr("Jensen-Shannon divergence of the two accumulated histograms on a shared grid (base 2: 0 = "
                      "same distribution, 1 = disjoint)");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Point: return tr("Point");
    case In: return tr("In");
    case Observer: return tr("Observer");
    case ClipA: return tr("Clip range (this)");
    case ClipB: return tr("Clip range (other)");
    case ScaleChange: return tr("Scale %");
    case RangeChange: return tr("Range %");
    case Distance: return tr("JS divergence");
    default: return {};
    }
}

SessionDiffView::SessionDiffView(QWidget* parent) : QWidget(parent)
{
    m_model = new SessionDiffModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SessionDiffModel::SortRole);
    m_summary = makeTextLabel(this, QStringLiteral("sessionDiffSummary"));
    m_table = makeSortedTable(this, QStringLiteral("sessionDiffTable"), m_proxy, SessionDiffModel::Point,
                              QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_plot = makePlot(this, QStringLiteral("sessionDiffPlot"), 180);
    m_plot->xAxis->setLabel(tr("value"));
    m_plot->yAxis->setLabel(tr("density"));
    showCompactLegend(m_plot, font());
    applyPlotTheme(m_plot);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_plot);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({1, 1}); // the overlay is what a user reads the diff by: half the height
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(splitter, 1);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& index) { showPoint(index.data(SessionDiffModel::PointNameRole).toString()); });
}

void SessionDiffView::setSessions(std::shared_ptr<const CalibrationResult> a,
                                  std::shared_ptr<const CalibrationResult> b, const SessionDiff& diff,
                                  const QString& nameA, const QString& nameB)
{
    m_a = std::move(a);
    m_b = std::move(b);
    m_nameA = nameA;
    m_nameB = nameB;
    m_model->setDiff(diff);
    m_table->resizeColumnsToContents();
    QString text;
    if (!diff.incompatible.empty())
        text = tr("The sessions cannot be compared: %1").arg(QString::fromStdString(diff.incompatible));
    else {
        text = tr("This session: %1\nOther session: %2\n%3 points in both, %4 only in this one, %5 only in the other.")
                   .arg(nameA, nameB)
                   .arg(diff.points.size())
                   .arg(diff.onlyA.size())
                   .arg(diff.onlyB.size());
        if (!diff.sameModel)
            text += QLatin1Char(' ') + tr("The model files differ: points are matched by name.");
    }
    m_summary->setText(text);
    if (!diff.points.empty())
        selectPoint(QString::fromStdString(diff.points.front().name));
    else
        showPoint({});
}

QString SessionDiffView::summaryText() const { return m_summary->text(); }

void SessionDiffView::selectPoint(const QString& point)
{
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex index = m_proxy->index(r, 0);
        if (index.data(SessionDiffModel::PointNameRole).toString() == point) {
            m_table->setCurrentIndex(index);
            m_table->scrollTo(index);
            showPoint(point); // also when it was current already
            return;
        }
    }
}

void SessionDiffView::showPoint(const QString& point)
{
    m_point = point;
    m_plot->clearGraphs();
    m_plot->clearItems();
    const std::string name = point.toStdString();
    int series = 0;
    double lo = 0, hi = 0;
    bool any = false;
    for (const auto& [result, label] : {std::pair{m_a.get(), m_nameA}, std::pair{m_b.get(), m_nameB}}) {
        const PointCalibration* p = result ? result->point(name) : nullptr;
        const QColor color = seriesColor(series++);
        if (!p || p->stats.histogram.total() <= 0)
            continue;
        // Density (count / total / bin width): the two grids may differ, the areas agree.
        const HistogramData& h = p->stats.histogram;
        const double w = h.binWidth(), total = h.total();
        QVector<double> x, y;
        for (size_t i = 0; i < h.counts.size(); ++i) {
            x << h.lo + (double(i) + 0.5) * w;
            y << h.counts[i] / total / w;
        }
        auto* graph = m_plot->addGraph();
        graph->setData(x, y, true);
        graph->setLineStyle(QCPGraph::lsStepCenter);
        graph->setPen(QPen(color, 1.5));
        QColor fill = color;
        fill.setAlpha(50);
        graph->setBrush(fill);
        graph->setName(label);
        const double a = std::min(double(p->stats.min), p->result.min.empty() ? 0.0 : double(p->result.min[0]));
        const double b = std::max(double(p->stats.max), p->result.max.empty() ? 0.0 : double(p->result.max[0]));
        lo = any ? std::min(lo, a) : a;
        hi = any ? std::max(hi, b) : b;
        any = true;
        // The clip range of each side, in its colour.
        if (!p->result.min.empty() && !p->result.max.empty())
            for (const double v : {double(p->result.min[0]), double(p->result.max[0])}) {
                auto* line = new QCPItemStraightLine(m_plot);
                line->point1->setCoords(v, 0);
                line->point2->setCoords(v, 1);
                line->setPen(QPen(color, 1.2, Qt::DashLine));
            }
    }
    if (any) {
        const double pad = 0.05 * std::max(hi - lo, 1e-6);
        m_plot->xAxis->setRange(lo - pad, hi + pad);
        m_plot->yAxis->rescale();
        m_plot->yAxis->setRangeLower(0);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace cs::ui

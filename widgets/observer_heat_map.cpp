#include "widgets/observer_heat_map.h"

#include "core/calibration.h"
#include "widgets/change_reactions.h"
#include "widgets/observer_estimates.h"
#include "widgets/point_table_model.h"
#include "widgets/table_items.h"

#include <QBrush>
#include <QElapsedTimer>
#include <QFont>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPainter>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace cs::ui {

namespace {

// L2 of exactly zero (a constant point) must not send the log scale to -inf.
constexpr double kLogFloor = 1e-12;

double logL2(double l2) { return std::log10(std::max(l2, kLogFloor)); }

// Styles fill a selected cell with the highlight colour instead of its background, which
// would hide the colour scale of the selected row. The view's own highlight is made
// transparent (see ObserverHeatMap); this delegate draws the cell unselected, then a light
// tint and a frame in the application's highlight colour.
class HeatCellDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem plain = option;
        const bool selected = option.state & QStyle::State_Selected;
        plain.state &= ~QStyle::State_Selected;
        QStyledItemDelegate::paint(painter, plain, index);
        if (!selected)
            return;
        painter->save();
        const QColor frame = QGuiApplication::palette().color(QPalette::Highlight);
        QColor tint = frame;
        tint.setAlpha(50);
        painter->fillRect(option.rect, tint);
        painter->setPen(QPen(frame, 1));
        painter->drawLine(option.rect.topLeft(), option.rect.topRight());
        painter->drawLine(option.rect.bottomLeft(), option.rect.bottomRight());
        painter->restore();
    }
};

} // namespace

ObserverHeatMapModel::ObserverHeatMapModel(QObject* parent) : QAbstractTableModel(parent)
{
    m_fillTimer.setSingleShot(true);
    m_fillTimer.setInterval(0);
    connect(&m_fillTimer, &QTimer::timeout, this, &ObserverHeatMapModel::fillSlice);
}

bool ObserverHeatMapModel::prepareRows(const CalibrationResult* result)
{
    QStringList observers;
    if (result) {
        std::set<std::string> names;
        for (const auto& p : result->points)
            for (const auto& entry : p.compare)
                names.insert(entry.first);
        for (const auto& name : names)
            observers << QString::fromStdString(name);
    }
    bool same = result && observers == m_observers && m_rows.size() == result->points.size();
    for (size_t i = 0; same && i < m_rows.size(); ++i)
        same = m_rows[i].point == QLatin1String(result->points[i].name.c_str());
    if (!same) {
        beginResetModel();
        m_observers = observers;
        m_rows.clear();
        if (result)
            m_rows.resize(result->points.size());
    }
    if (result) {
        CoverageReport coverage;
        if (result->evaluation)
            coverage = analyzeCoverage(*result, *result->evaluation);
        for (size_t i = 0; i < result->points.size(); ++i) {
            const PointCalibration& p = result->points[i];
            Row& row = m_rows[i];
            if (!same) {
                row.point = QString::fromStdString(p.name);
                row.cells.resize(size_t(m_observers.size()));
            }
            row.coverage = coverageTooltip(coverage.point(p.name));
            row.notCovered = coverage.point(p.name) && coverage.point(p.name)->flagged;
            row.inUse = p.config.keepFloat ? QString() : QString::fromStdString(p.config.name);
        }
    }
    if (!same)
        endResetModel();
    else if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    return !same;
}

void ObserverHeatMapModel::estimateRow(const CalibrationResult& result, size_t index)
{
    const PointCalibration& p = result.points[index];
    Row& row = m_rows[index];
    row.best = -1;
    row.logMin = row.logMax = 0;
    for (int c = 0; c < m_observers.size(); ++c) {
        Cell& cell = row.cells[size_t(c)];
        cell = Cell{};
        const auto it = p.compare.find(m_observers[c].toStdString());
        ErrorEstimate e;
        if (it == p.compare.end() || !estimateObserverError(p, it->second, e))
            continue;
        cell.has = true;
        cell.l2 = e.l2;
        cell.sqnrDb = e.sqnrDb;
        cell.clippedFraction = e.clippedFraction;
    }
    bool first = true;
    for (size_t c = 0; c < row.cells.size(); ++c) {
        const Cell& cell = row.cells[c];
        if (!cell.has)
            continue;
        if (row.best < 0 || cell.l2 < row.cells[size_t(row.best)].l2)
            row.best = int(c);
        const double v = logL2(cell.l2);
        row.logMin = first ? v : std::min(row.logMin, v);
        row.logMax = first ? v : std::max(row.logMax, v);
        first = false;
    }
}

void ObserverHeatMapModel::setResult(const CalibrationResult* result)
{
    m_fillTimer.stop();
    m_filling.reset();
    prepareRows(result);
    for (size_t i = 0; result && i < m_rows.size(); ++i)
        estimateRow(*result, i);
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void ObserverHeatMapModel::setResult(std::shared_ptr<const CalibrationResult> result)
{
    if (!result || result->points.size() <= size_t(kImmediateRows)) {
        setResult(result.get());
        return;
    }
    m_fillTimer.stop();
    prepareRows(result.get());
    m_filling = std::move(result);
    m_nextRow = 0;
    m_fillTimer.start(); // the first slice too: whoever replaced the result goes on first
}

void ObserverHeatMapModel::fillSlice()
{
    if (!m_filling)
        return;
    // About a frame's worth of estimates per turn of the event loop.
    constexpr qint64 kSliceMs = 15;
    QElapsedTimer clock;
    clock.start();
    const size_t first = m_nextRow;
    while (m_nextRow < m_rows.size() && (m_nextRow == first || clock.elapsed() < kSliceMs))
        estimateRow(*m_filling, m_nextRow++);
    Q_EMIT dataChanged(index(int(first), 0), index(int(m_nextRow) - 1, columnCount() - 1));
    if (m_nextRow < m_rows.size()) {
        m_fillTimer.start();
        return;
    }
    m_filling.reset();
    Q_EMIT filled();
}

QString ObserverHeatMapModel::pointAt(int row) const
{
    return row >= 0 && size_t(row) < m_rows.size() ? m_rows[size_t(row)].point : QString();
}

QString ObserverHeatMapModel::observerAt(int column) const
{
    return column >= 1 && column <= m_observers.size() ? m_observers[column - 1] : QString();
}

int ObserverHeatMapModel::rowOf(const QString& point) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].point == point)
            return int(i);
    return -1;
}

double ObserverHeatMapModel::l2(int row, int column) const
{
    if (row < 0 || size_t(row) >= m_rows.size() || column < 1 || column > m_observers.size())
        return std::numeric_limits<double>::quiet_NaN();
    const Cell& cell = m_rows[size_t(row)].cells[size_t(column - 1)];
    return cell.has ? cell.l2 : std::numeric_limits<double>::quiet_NaN();
}

int ObserverHeatMapModel::bestColumn(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size() || m_rows[size_t(row)].best < 0)
        return -1;
    return m_rows[size_t(row)].best + 1;
}

int ObserverHeatMapModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ObserverHeatMapModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 1 + int(m_observers.size());
}

QVariant ObserverHeatMapModel::background(const Row& row, int cell) const
{
    const Cell& c = row.cells[size_t(cell)];
    if (!c.has)
        return {};
    const double span = row.logMax - row.logMin;
    const double t = span > 0 ? (logL2(c.l2) - row.logMin) / span : 0.0;
    // Green (hue 120°) for the row's best through yellow to red for its worst; translucent so
    // the text stays readable on light and dark palettes.
    return QBrush(QColor::fromHsvF(float((1.0 - t) / 3.0), 0.8f, 0.9f, 0.55f));
}

QString ObserverHeatMapModel::tooltip(const Row& row, int cell) const
{
    const Cell& c = row.cells[size_t(cell)];
    const QString& observer = m_observers[cell];
    if (!c.has)
        return tr("%1 has no result for %2.").arg(observer, row.point);
    QString text = tr("%1 at %2: L2 %3 · SQNR %4 dB · %5 % clipped")
                       .arg(observer, row.point, formatNumber(c.l2, 4), formatNumber(c.sqnrDb, 4))
                       .arg(c.clippedFraction * 100.0, 0, 'f', 3);
    if (cell == row.best)
        text += QLatin1Char('\n') + tr("Lowest error for this point.");
    if (observer == row.inUse)
        text += QLatin1Char('\n') + tr("The observer the plan uses for this point.");
    // Whatever the observer, it only sees the calibration data: say where that falls short.
    if (!row.coverage.isEmpty())
        text += QLatin1Char('\n') + row.coverage;
    return text;
}

QVariant ObserverHeatMapModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[size_t(index.row())];
    const int column = index.column();
    if (column == 0) {
        switch (role) {
        case Qt::DisplayRole:
        case PointNameRole: return row.point;
        case SortRole: return index.row(); // graph order
        case ObserverRole: return QString();
        case Qt::ToolTipRole: {
            const QString text = row.inUse.isEmpty() ? tr("%1 is kept in float.").arg(row.point)
                                                     : tr("%1 uses %2.").arg(row.point, row.inUse);
            return row.coverage.isEmpty() ? text : text + QLatin1Char('\n') + row.coverage;
        }
        case Qt::BackgroundRole:
            return row.notCovered ? QVariant(QBrush(QColor(240, 160, 20, 90))) : QVariant();
        default: return {};
        }
    }
    const int cell = column - 1;
    const Cell& c = row.cells[size_t(cell)];
    const bool best = cell == row.best;
    const bool inUse = m_observers[cell] == row.inUse;
    switch (role) {
    case Qt::DisplayRole:
        if (!c.has)
            return QString();
        return best ? QStringLiteral("★ ") + formatNumber(c.l2, 4) : formatNumber(c.l2, 4);

    case SortRole: return c.has ? c.l2 : std::numeric_limits<double>::infinity();
    case PointNameRole: return row.point;
    case ObserverRole: return m_observers[cell];
    case BestRole: return best;
    case InUseRole: return inUse;
    case Qt::BackgroundRole: return background(row, cell);
    case Qt::ToolTipRole: return tooltip(row, cell);
    case Qt::TextAlignmentRole: return int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (best || inUse) {
            QFont font;
            font.setBold(best);
            font.setUnderline(inUse);
            return font;
        }
        return {};
    default: return {};
    }
}

QVariant ObserverHeatMapModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return section == 0 ? tr("Point") : m_observers[section - 1];
    if (role == Qt::ToolTipRole)
        return section == 0 ? tr("Quantization point, in graph order")
                            : tr("Local L2 error with %1, estimated from each point's histogram (lower is better)")
                                  .arg(m_observers[section - 1]);
    return {};
}

ObserverHeatMap::ObserverHeatMap(QWidget* parent)
    : QWidget(parent), m_model(new ObserverHeatMapModel(this)), m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ObserverHeatMapModel::SortRole);

    m_hint = makeTextLabel(this, QStringLiteral("heatMapHint"));
    m_legend = makeTextLabel(this, QStringLiteral("heatMapLegend"));

    m_table = makeSortedTable(this, QStringLiteral("heatMapTable"), m_proxy, 0, QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setWordWrap(false);
    m_table->setItemDelegate(new HeatCellDelegate(m_table));
    QPalette palette = m_table->palette();
    palette.setColor(QPalette::Highlight, Qt::transparent);
    palette.setColor(QPalette::HighlightedText, palette.color(QPalette::Text));
    m_table->setPalette(palette);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_hint);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_legend);
    setMinimumSize(360, 150);

    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const QModelIndex source = m_proxy->mapToSource(index);
        const double value = m_model->l2(source.row(), source.column());
        if (source.column() >= 1 && !std::isnan(value))
            Q_EMIT cellActivated(m_model->pointAt(source.row()), m_model->observerAt(source.column()));
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid() && !m_selecting)
                    Q_EMIT pointSelected(m_model->pointAt(m_proxy->mapToSource(current).row()));
            });
    // On a turn of its own, after the last slice of estimates.
    connect(m_model, &ObserverHeatMapModel::filled, this, [this] { resizeColumnsSoon(m_table); });
    // Widths from a sample of rows: measuring every row of a thousand-point table for every
    // observer column takes longer than a frame.
    m_table->horizontalHeader()->setResizeContentsPrecision(ObserverHeatMapModel::kImmediateRows);
    retranslateUi();
    reactToChanges(this, [this] { retranslateUi(); });
}

void ObserverHeatMap::setResult(const CalibrationResult* result)
{
    m_model->setResult(result);
    resizeColumns();
    updateHint();
}

void ObserverHeatMap::setResult(std::shared_ptr<const CalibrationResult> result)
{
    m_model->setResult(std::move(result));
    // Sized once the numbers are there (ObserverHeatMapModel::filled).
    if (!m_model->isFilling())
        resizeColumns();
    updateHint();
}

void ObserverHeatMap::resizeColumns() { m_table->resizeColumnsToContents(); }

void ObserverHeatMap::selectPoint(const QString& point)
{
    const int row = m_model->rowOf(point);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    // Programmatic: the caller already knows the point, so no pointSelected echo.
    m_selecting = true;
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_selecting = false;
    m_table->scrollTo(index);
}

QString ObserverHeatMap::hintText() const { return m_hint->isHidden() ? QString() : m_hint->text(); }

void ObserverHeatMap::updateHint()
{
    QString hint;
    if (m_model->rowCount() == 0)
        hint = tr("No calibration yet: calibrate to compare observers.");
    else if (m_model->observers().isEmpty())
        hint = tr("No compare results: this calibration ran only the configured observers (calibscope-cli "
                  "calibrate without --compare). Calibrate again (F5) to see every observer's error at every point.");
    m_hint->setText(hint);
    m_hint->setHidden(hint.isEmpty());
}

void ObserverHeatMap::retranslateUi()
{
    m_legend->setText(tr("Local L2 error per point and observer, estimated from the histograms; each row from green "
                         "(its best, ★) to red (its worst). Underlined: the observer in use. Double-click a cell to "
                         "use that observer."));
    updateHint();
    // Headers and tooltips come from the model: let the view ask again.
    if (m_model->columnCount() > 0)
        Q_EMIT m_model->headerDataChanged(Qt::Horizontal, 0, m_model->columnCount() - 1);
}

} // namespace cs::ui

#include "widgets/point_table_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <cmath>

namespace cs::ui {

QString formatNumber(double value, int precision)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
    return QString::number(value, 'g', precision);
}

PointTableModel::PointTableModel(QObject* parent) : QAbstractTableModel(parent) {}

QString coverageTooltip(const PointCoverage* c)
{
    if (!c)
        return {};
    if (!c->note.empty())
        return PointTableModel::tr("The calibration changed since the evaluation: evaluate again to compare "
                                   "the validation data with it.");
    QString text = PointTableModel::tr("Validation data: %1 % outside the clip range [%2, %3] (%4 % below, %5 % "
                                       "above); calibration data: %6 %. Jensen-Shannon divergence of the two "
                                       "histograms: %7.")
                       .arg(100.0 * c->validationOutside, 0, 'f', 3)
                       .arg(formatNumber(c->clipMin), formatNumber(c->clipMax))
                       .arg(100.0 * c->validationBelow, 0, 'f', 3)
                       .arg(100.0 * c->validationAbove, 0, 'f', 3)
                       .arg(100.0 * c->calibrationOutside, 0, 'f', 3)
                       .arg(c->jsDivergence < 0 ? QStringLiteral("–") : formatNumber(c->jsDivergence, 4));
    if (c->flagged)
        text += QLatin1Char('\n')
                + PointTableModel::tr("The calibration set does not cover the validation data here: add "
                                      "calibration images like the validation images.");
    return text;
}

bool quantizerRange(const PointCalibration& point, float& low, float& high)
{
    return quantizerRange(point.result, point.config.spec, low, high);
}

bool quantizerRange(const obs::ObserverResult& r, const obs::QuantSpec& spec, float& low, float& high)
{
    if (r.scale.empty() || r.zeroPoint.empty() || !r.hasStatistics)
        return false;
    const obs::QuantRange q = obs::quantRange(spec);
    const double scale = r.scale.front();
    if (spec.symmetric()) {
        // _calculate_qparams: scale = max(-min, max) / ((qmax - qmin) / 2), zero point fixed.
        const double half = double(q.qmax - q.qmin) / 2.0;
        low = float(-scale * half);
        high = float(scale * half);
    } else {
        const double zeroPoint = double(r.zeroPoint.front());
        low = float((double(q.qmin) - zeroPoint) * scale);
        high = float((double(q.qmax) - zeroPoint) * scale);
    }
    return true;
}

PointEstimate PointTableModel::estimatePoint(const PointCalibration& p)
{
    PointEstimate c;
    float low = 0, high = 0;
    if (p.config.keepFloat || p.stats.histogram.counts.empty() || !quantizerRange(p, low, high))
        return c;
    c.hasEstimate = true;
    c.estimate = estimateQuantError(p.stats.histogram, low, high, p.config.spec);
    return c;
}

PointEstimates PointTableModel::estimatePoints(const CalibrationResult& result)
{
    PointEstimates out;
    out.rows.reserve(result.points.size());
    for (const auto& p : result.points)
        out.rows.push_back(estimatePoint(p));
    return out;
}

void PointTableModel::setResult(std::shared_ptr<const CalibrationResult> result, std::shared_ptr<const PointEstimates> estimates)
{
    beginResetModel();
    m_result = std::move(result);
    m_pending.clear();
    if (!m_result)
        m_cache.clear();
    else if (estimates && estimates->rows.size() == m_result->points.size())
        m_cache = estimates->rows;
    else
        m_cache = estimatePoints(*m_result).rows;
    computeCoverage();
    endResetModel();
}

void PointTableModel::computeCoverage()
{
    m_coverage = {};
    m_coverageRow.assign(m_result ? m_result->points.size() : 0, -1);
    if (!m_result || !m_result->evaluation)
        return;
    m_coverage = analyzeCoverage(*m_result, *m_result->evaluation);
    for (size_t i = 0; i < m_coverage.points.size(); ++i) {
        const int row = rowOf(QString::fromStdString(m_coverage.points[i].name));
        if (row >= 0)
            m_coverageRow[size_t(row)] = int(i);
    }
}

void PointTableModel::refreshCoverage()
{
    computeCoverage();
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void PointTableModel::setConvergence(std::shared_ptr<const ConvergenceReport> report)
{
    m_convergence = std::move(report);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

const ConvergencePoint* PointTableModel::convergencePoint(int row) const
{
    const PointCalibration* p = point(row);
    if (!p || !m_convergence)
        return nullptr;
    const auto& points = m_convergence->points;
    // The report lists the points in the result's order: try the row first.
    if (size_t(row) < points.size() && points[size_t(row)].name == p->name)
        return &points[size_t(row)];
    for (const auto& c : points)
        if (c.name == p->name)
            return &c;
    return nullptr;
}

const PointCoverage* PointTableModel::coverage(int row) const
{
    if (row < 0 || size_t(row) >= m_coverageRow.size() || m_coverageRow[size_t(row)] < 0)
        return nullptr;
    return &m_coverage.points[size_t(m_coverageRow[size_t(row)])];
}

void PointTableModel::refreshPoints(const QStringList& names)
{
    for (const QString& name : names) {
        const int row = rowOf(name);
        if (row < 0)
            continue;
        m_cache[size_t(row)] = estimatePoint(m_result->points[size_t(row)]);
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

void PointTableModel::setPendingPoints(const QStringList& names)
{
    QSet<QString> changed = m_pending;
    m_pending = QSet<QString>(names.begin(), names.end());
    changed.unite(m_pending);
    for (const QString& name : std::as_const(changed)) {
        const int row = rowOf(name);
        if (row >= 0)
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1), {Qt::FontRole});
    }
}

int PointTableModel::rowOf(const QString& pointName) const
{
    if (!m_result)
        return -1;
    const std::string name = pointName.toStdString();
    for (size_t i = 0; i < m_result->points.size(); ++i)
        if (m_result->points[i].name == name)
            return int(i);
    return -1;
}

const PointCalibration* PointTableModel::point(int row) const
{
    if (!m_result || row < 0 || size_t(row) >= m_result->points.size())
        return nullptr;
    return &m_result->points[size_t(row)];
}

const OpInfo* PointTableModel::op(int row) const
{
    const PointCalibration* p = point(row);
    if (!p || p->opIndex < 0 || size_t(p->opIndex) >= m_result->model.ops.size())
        return nullptr;
    return &m_result->model.ops[size_t(p->opIndex)];
}

const ErrorEstimate* PointTableModel::estimate(int row) const
{
    if (row < 0 || size_t(row) >= m_cache.size() || !m_cache[size_t(row)].hasEstimate)
        return nullptr;
    return &m_cache[size_t(row)].estimate;
}

const WeightCalibration* PointTableModel::weightOf(int row) const
{
    const PointCalibration* p = point(row);
    if (!p)
        return nullptr;
    for (const auto& w : m_result->weights) {
        if (w.name == p->name)
            return &w;
        if (w.opIndex >= 0 && size_t(w.opIndex) < m_result->model.ops.size()
            && m_result->model.ops[size_t(w.opIndex)].fusedInto == p->name)
            return &w;
    }
    return nullptr;
}

int PointTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_result ? 0 : int(m_result->points.size());
}

int PointTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PointTableModel::cell(int row, int column) const
{
    const PointCalibration& p = *point(row);
    const OpInfo* o = op(row);
    const ErrorEstimate* e = estimate(row);
    const bool hasRange = !p.result.min.empty() && !p.result.max.empty();
    switch (column) {
    case Name: return QString::fromStdString(p.name);
    case Kind: return o ? QString::fromStdString(o->kind) : QString();
    case Module: return o ? QString::fromStdString(o->module) : QString();
    case Shape: return QString::fromStdString(shapeToString(o && !o->shape.empty() ? o->shape : p.stats.shape));
    case Observer: return QString::fromStdString(p.config.name);
    case DataMin: return p.stats.hasData() ? formatNumber(p.stats.min) : QString();
    case DataMax: return p.stats.hasData() ? formatNumber(p.stats.max) : QString();
    case ClipLow: return hasRange ? formatNumber(p.result.min.front()) : QString();
    case ClipHigh: return hasRange ? formatNumber(p.result.max.front()) : QString();
    case Scale: return p.config.keepFloat || p.result.scale.empty() ? QString() : formatNumber(p.result.scale.front());
    case ZeroPoint:
        return p.config.keepFloat || p.result.zeroPoint.empty() ? QString()
                                                                 : QString::number(p.result.zeroPoint.front());
    case DType: return p.config.keepFloat ? tr("float") : QString::fromStdString(obs::toString(p.config.spec.dtype));
    case L2: return e ? formatNumber(e->l2, 4) : QString();
    case Sqnr: return e ? formatNumber(e->sqnrDb, 4) : QString();
    case Flags: return p.stats.nan || p.stats.inf ? tr("NaN/Inf") : QString();
    case Coverage: {
        const PointCoverage* c = coverage(row);
        if (!c || !c->note.empty())
            return QString();
        const QString share = QString::number(100.0 * c->validationOutside, 'f', 3);
        return c->flagged ? tr("not covered (%1 %)").arg(share) : QStringLiteral("%1 %").arg(share);
    }
    case Settled: {
        const ConvergencePoint* c = convergencePoint(row);
        if (!c || !c->replayed || c->settledAfter == 0)
            return QString();
        if (m_convergence->oneBatch)
            return tr("one batch");
        return c->settled ? QString::number(c->settledAfter) : tr("never");
    }
    default: return {};
    }
}

QVariant PointTableModel::sortValue(int row, int column) const
{
    const PointCalibration& p = *point(row);
    const ErrorEstimate* e = estimate(row);
    const bool hasRange = !p.result.min.empty() && !p.result.max.empty();
    switch (column) {
    case Name: return row; // graph order, which is what a name sort usually wants
    case DataMin: return p.stats.hasData() ? QVariant(double(p.stats.min)) : QVariant();
    case DataMax: return p.stats.hasData() ? QVariant(double(p.stats.max)) : QVariant();
    case ClipLow: return hasRange ? QVariant(double(p.result.min.front())) : QVariant();
    case ClipHigh: return hasRange ? QVariant(double(p.result.max.front())) : QVariant();
    case Scale: return p.result.scale.empty() ? QVariant() : QVariant(double(p.result.scale.front()));
    case ZeroPoint: return p.result.zeroPoint.empty() ? QVariant() : QVariant(qint64(p.result.zeroPoint.front()));
    case L2: return e ? QVariant(e->l2) : QVariant(-1.0);
    // Infinite SQNR (no error) sorts after every finite value.
    case Sqnr: return e ? QVariant(std::isinf(e->sqnrDb) ? 1e300 : e->sqnrDb) : QVariant(1e301);
    case Flags: return qint64(p.stats.nan + p.stats.inf);
    case Coverage: {
        const PointCoverage* c = coverage(row);
        return c && c->note.empty() ? QVariant(c->validationOutside) : QVariant(-1.0);
    }
    case Settled: {
        // Never-settling points sort after every settled one.
        const ConvergencePoint* c = convergencePoint(row);
        if (!c || !c->replayed || c->settledAfter == 0)
            return -1;
        return c->settled ? c->settledAfter : 1000000;
    }
    default: return cell(row, column);
    }
}

QVariant PointTableModel::background(int row, int column) const
{
    const PointCalibration& p = *point(row);
    // Translucent tints stay readable on light and dark palettes alike.
    if (p.stats.nan || p.stats.inf)
        return QBrush(QColor(220, 40, 40, 90));
    const ErrorEstimate* e = estimate(row);
    if (e && e->sqnrDb < kLowSqnrDb && (column == Name || column == L2 || column == Sqnr))
        return QBrush(QColor(240, 160, 20, 90));
    if (const PointCoverage* c = coverage(row); c && c->flagged && (column == Name || column == Coverage))
        return QBrush(QColor(240, 160, 20, 90));
    if (const ConvergencePoint* c = convergencePoint(row);
        c && c->replayed && !c->settled && c->settledAfter > 0 && !m_convergence->oneBatch
        && (column == Name || column == Settled))
        return QBrush(QColor(240, 160, 20, 90));
    return {};
}

QString PointTableModel::tooltip(int row, int column) const
{
    const PointCalibration& p = *point(row);
    const ErrorEstimate* e = estimate(row);
    switch (column) {
    case Flags:
        if (p.stats.nan || p.stats.inf)
            return tr("%1 NaN and %2 Inf values were seen; they are left out of every statistic.")
                .arg(p.stats.nan)
                .arg(p.stats.inf);
        return {};
    case L2:
    case Sqnr:
        if (!e)
            return p.config.keepFloat ? tr("Kept in float: no quantization error.") : QString();
        return tr("Estimated from the accumulated histogram for the current clip range: L2 %1, SQNR %2 dB, "
                  "%3 % of the values clipped.")
            .arg(formatNumber(e->l2))
            .arg(formatNumber(e->sqnrDb))
            .arg(e->clippedFraction * 100.0, 0, 'f', 4);
    case Observer:
        if (!p.result.warning.empty())
            return QString::fromStdString(p.result.warning);
        return {};
    case Coverage: return coverageTooltip(coverage(row));
    case Settled: {
        const ConvergencePoint* c = convergencePoint(row);
        if (!c)
            return {};
        if (!c->replayed)
            return tr("Not replayed: %1").arg(QString::fromStdString(c->note));
        if (m_convergence->oneBatch)
            return tr("The calibration has one batch: there is nothing to converge.");
        return c->settled ? tr("The clip range stays within %1 % of its final value from batch %2 on (%3 images).")
                                .arg(m_convergence->tolerance * 100.0, 0, 'g', 3)
                                .arg(c->settledAfter)
                                .arg(qint64(c->settledAfter) * m_convergence->batchSize)
                          : tr("The clip range still moves by more than %1 % in the last quarter of the batches: "
                               "add calibration data.")
                                .arg(m_convergence->tolerance * 100.0, 0, 'g', 3);
    }
    default: {
        const QVariant v = cell(row, column);
        return v.toString();
    }
    }
}

QVariant PointTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const PointCalibration& p = *point(row);
    switch (role) {
    case Qt::DisplayRole: return cell(row, index.column());
    case Qt::ToolTipRole: return tooltip(row, index.column());
    case Qt::BackgroundRole: return background(row, index.column());
    case Qt::FontRole:
        if (m_pending.contains(QString::fromStdString(p.name))) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole: {
        const int c = index.column();
        const bool numeric = (c >= DataMin && c <= ZeroPoint) || c == L2 || c == Sqnr || c == Coverage || c == Settled;
        return numeric ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    }
    case SortRole: return sortValue(row, index.column());
    case PointNameRole: return QString::fromStdString(p.name);
    case KindRole: return cell(row, Kind);
    case ObserverRole: return QString::fromStdString(p.config.name);
    case BadRole: {
        const ErrorEstimate* e = estimate(row);
        const PointCoverage* c = coverage(row);
        const ConvergencePoint* k = convergencePoint(row);
        const bool unsettled = k && k->replayed && !k->settled && k->settledAfter > 0 && !m_convergence->oneBatch;
        return bool(p.stats.nan || p.stats.inf || (e && e->sqnrDb < kLowSqnrDb) || (c && c->flagged) || unsettled);
    }
    default: return {};
    }
}

QVariant PointTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case DataMin: return tr("Smallest finite value seen during calibration");
        case DataMax: return tr("Largest finite value seen during calibration");
        case ClipLow: return tr("Lower end of the range the observer chose");
        case ClipHigh: return tr("Upper end of the range the observer chose");
        case L2: return tr("Quantization error ‖x − q(x)‖ estimated from the histogram");
        case Sqnr: return tr("Signal-to-quantization-noise ratio in dB (higher is better)");
        case Coverage:
            return tr("Share of the last evaluation's validation values outside the clip range; flagged when it is "
                      "over %1× the calibration data's share and over %2 %")
                .arg(CoverageOptions{}.ratio, 0, 'f', 0)
                .arg(100.0 * CoverageOptions{}.minShare, 0, 'f', 1);
        case Settled: return tr("The batch from which on the clip range stays within 1 % of its final value");
        default: return {};
        }
    }
    switch (section) {
    case Name: return tr("Point");
    case Kind: return tr("Kind");
    case Module: return tr("Module");
    case Shape: return tr("Shape");
    case Observer: return tr("Observer");
    case DataMin: return tr("Min");
    case DataMax: return tr("Max");
    case ClipLow: return tr("Clip low");
    case ClipHigh: return tr("Clip high");
    case Scale: return tr("Scale");
    case ZeroPoint: return tr("Zero point");
    case DType: return tr("Dtype");
    case L2: return tr("L2");
    case Sqnr: return tr("SQNR (dB)");
    case Flags: return tr("Flags");
    case Coverage: return tr("Validation outside");
    case Settled: return tr("Settled after");
    default: return {};
    }
}

} // namespace cs::ui

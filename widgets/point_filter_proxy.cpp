#include "widgets/point_filter_proxy.h"

#include "widgets/point_table_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cs::ui {

PointFilterProxy::PointFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(PointTableModel::SortRole);
    setDynamicSortFilter(true);
}

void PointFilterProxy::setSourceModel(QAbstractItemModel* model)
{
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    QSortFilterProxyModel::setSourceModel(model);
    if (!model)
        return;
    // Connected after the base class's own handlers, so the proxy has caught up before the
    // filter is re-evaluated.
    const auto recompute = [this] {
        if (m_worst > 0) {
            updateWorstRows();
            invalidateFilter();
        }
    };
    connect(model, &QAbstractItemModel::dataChanged, this, recompute);
    connect(model, &QAbstractItemModel::modelReset, this, recompute);
    connect(model, &QAbstractItemModel::rowsInserted, this, recompute);
    connect(model, &QAbstractItemModel::rowsRemoved, this, recompute);
    updateWorstRows();
}

void PointFilterProxy::setNameFilter(const QString& text)
{
    m_name = text.trimmed();
    invalidateFilter();
}

void PointFilterProxy::setKindFilter(const QString& kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    invalidateFilter();
}

void PointFilterProxy::setObserverFilter(const QString& observer)
{
    if (observer == m_observer)
        return;
    m_observer = observer;
    invalidateFilter();
}

void PointFilterProxy::setWorstCount(int count)
{
    m_worst = std::max(0, count);
    updateWorstRows();
    invalidateFilter();
}

void PointFilterProxy::updateWorstRows()
{
    m_worstRows.clear();
    const QAbstractItemModel* model = sourceModel();
    if (!model || m_worst <= 0)
        return;
    // Lowest SQNR first: the noise relative to the signal, which compares points of any
    // magnitude (an L2 error would rank the largest tensors first). Points without an
    // estimate and exact ones (infinite SQNR) are never among the worst.
    std::vector<std::pair<double, int>> errors;
    for (int row = 0; row < model->rowCount(); ++row) {
        // The sort value puts infinite SQNR at 1e300 and a missing estimate at 1e301.
        const double sqnr = model->index(row, PointTableModel::Sqnr).data(PointTableModel::SortRole).toDouble();
        if (std::isfinite(sqnr) && sqnr < 1e299)
            errors.emplace_back(sqnr, row);
    }
    const size_t n = std::min(errors.size(), size_t(m_worst));
    // Ties in graph order.
    const auto worse = [](const auto& a, const auto& b) {
        return a.first < b.first || (a.first == b.first && a.second < b.second);
    };
    std::partial_sort(errors.begin(), errors.begin() + std::ptrdiff_t(n), errors.end(), worse);
    for (size_t i = 0; i < n; ++i)
        m_worstRows.insert(errors[i].second);
}

bool PointFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* model = sourceModel();
    if (m_worst > 0 && !m_worstRows.contains(sourceRow))
        return false;
    if (!m_kind.isEmpty()
        && model->index(sourceRow, 0, sourceParent).data(PointTableModel::KindRole).toString() != m_kind)
        return false;
    if (!m_observer.isEmpty()
        && model->index(sourceRow, 0, sourceParent).data(PointTableModel::ObserverRole).toString() != m_observer)
        return false;
    if (!m_name.isEmpty()) {
        const QString name = model->index(sourceRow, PointTableModel::Name, sourceParent).data().toString();
        const QString module = model->index(sourceRow, PointTableModel::Module, sourceParent).data().toString();
        if (!name.contains(m_name, Qt::CaseInsensitive) && !module.contains(m_name, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

} // namespace cs::ui

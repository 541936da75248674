#pragma once
#include <QSet>
#include <QSortFilterProxyModel>

namespace cs::ui {

// Sorting and filtering of a PointTableModel: by name/module text, op kind, observer, and
// "the N points with the lowest estimated SQNR".
class PointFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit PointFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;
    void setNameFilter(const QString& text);
    void setKindFilter(const QString& kind);         // empty = every kind
    void setObserverFilter(const QString& observer); // empty = every observer
    void setWorstCount(int count);                   // the N lowest SQNRs; 0 = no limit
    int worstCount() const { return m_worst; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    // The worst-N set depends on every row's error, so any change of the source recomputes it.
    void updateWorstRows();

    QString m_name;
    QString m_kind;
    QString m_observer;
    int m_worst = 0;
    QSet<int> m_worstRows;
};

} // namespace cs::ui

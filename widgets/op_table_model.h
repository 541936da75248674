#pragma once
#include "core/model/op_info.h"

#include <QAbstractTableModel>

namespace cs::ui {

// The model's ops as a table: one row per op, in graph order.
class OpTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Index, Name, Kind, Module, Shape, Role, Weight, ColumnCount };
    enum Roles { OpNameRole = Qt::UserRole + 1, SortRole };

    explicit OpTableModel(QObject* parent = nullptr);

    void setSummary(const ModelSummary& summary);
    const ModelSummary& summary() const { return m_summary; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant cell(const OpInfo& op, int row, int column) const;
    QString roleText(const OpInfo& op) const;

    ModelSummary m_summary;
};

} // namespace cs::ui

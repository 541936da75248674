#pragma once
// The repairs a calibration carries (CalibrationResult::repairs), one row each, in the order
// applied: the repair, the parameters it ran with and what it reported per point.
#include "core/calibration.h"

#include <QAbstractTableModel>

#include <vector>

namespace cs::ui {

class RepairRecordsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Repair, Parameters, Notes, ColumnCount };
    // On the Repair column: the record's name as stored ("bias_correction").
    static constexpr int NameRole = Qt::UserRole + 1;

    explicit RepairRecordsModel(QObject* parent = nullptr);

    void setRecords(std::vector<RepairRecord> records);
    const std::vector<RepairRecord>& records() const { return m_records; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "iterations=400, name=ti-advanced"
    static QString parametersText(const RepairRecord& record);

private:
    std::vector<RepairRecord> m_records;
};

} // namespace cs::ui

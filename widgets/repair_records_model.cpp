#include "widgets/repair_records_model.h"

#include "widgets/repair_labels.h"

#include <QStringList>

namespace cs::ui {

RepairRecordsModel::RepairRecordsModel(QObject* parent) : QAbstractTableModel(parent) {}

void RepairRecordsModel::setRecords(std::vector<RepairRecord> records)
{
    beginResetModel();
    m_records = std::move(records);
    endResetModel();
}

int RepairRecordsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int RepairRecordsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString RepairRecordsModel::parametersText(const RepairRecord& record)
{
    QStringList parts;
    for (const auto& [key, value] : record.params)
        parts << QStringLiteral("%1=%2").arg(QString::fromStdString(key), QString::fromStdString(value));
    return parts.join(QStringLiteral(", "));
}

QVariant RepairRecordsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RepairRecord& r = m_records[size_t(index.row())];
    QStringList notes;
    for (const auto& n : r.notes)
        notes << QString::fromStdString(n);
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Repair:
            return repairDisplayName(r.name);
        case Parameters:
            return parametersText(r);
        case Notes:
            // One line per row in the table; every note in the tooltip.
            return notes.isEmpty() ? QString()
                                   : notes.size() == 1 ? notes.front()
                                                       : tr("%1 (and %n more)", nullptr, int(notes.size() - 1))
                                                             .arg(notes.front());
        case ColumnCount:
            break;
        }
        break;
    case Qt::ToolTipRole:
        return index.column() == Parameters ? parametersText(r) : notes.join(QLatin1Char('\n'));
    case NameRole:
        return index.column() == Repair ? QVariant(QString::fromStdString(r.name)) : QVariant();
    default:
        break;
    }
    return {};
}

QVariant RepairRecordsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Repair:
        return tr("Repair");
    case Parameters:
        return tr("Parameters");
    case Notes:
        return tr("Notes");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace cs::ui

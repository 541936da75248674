#include "widgets/op_table_model.h"

#include <QBrush>
#include <QColor>

namespace cs::ui {

OpTableModel::OpTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void OpTableModel::setSummary(const ModelSummary& summary)
{
    beginResetModel();
    m_summary = summary;
    endResetModel();
}

int OpTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_summary.ops.size());
}

int OpTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString OpTableModel::roleText(const OpInfo& op) const
{
    if (op.kind == "input")
        return tr("input point");
    if (op.passthrough)
        return tr("shares %1").arg(QString::fromStdString(op.sharesPointWith));
    if (!op.fusedInto.empty())
        return tr("fused into %1").arg(QString::fromStdString(op.fusedInto));
    return tr("point");
}

QVariant OpTableModel::cell(const OpInfo& op, int row, int column) const
{
    switch (column) {
    case Index: return row;
    case Name: return QString::fromStdString(op.name);
    case Kind: return QString::fromStdString(op.kind);
    case Module: return QString::fromStdString(op.module);
    case Shape: return QString::fromStdString(shapeToString(op.shape));
    case Role: return roleText(op);
    case Weight: return op.hasWeightPoint() ? QString::fromStdString(shapeToString(op.weightShape)) : QString();
    default: return {};
    }
}

QVariant OpTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OpInfo& op = m_summary.ops[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return cell(op, index.row(), index.column());
    case SortRole:
        return index.column() == Index ? QVariant(index.row()) : cell(op, index.row(), index.column());
    case OpNameRole:
        return QString::fromStdString(op.name);
    case Qt::ForegroundRole:
        // Ops that are not quantization points of their own are greyed out.
        return op.isActivationPoint() ? QVariant() : QVariant(QBrush(QColor(128, 128, 128)));
    default:
        return {};
    }
}

QVariant OpTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Index: return tr("#");
    case Name: return tr("Name");
    case Kind: return tr("Kind");
    case Module: return tr("Module");
    case Shape: return tr("Output shape");
    case Role: return tr("Quantization");
    case Weight: return tr("Weight");
    default: return {};
    }
}

} // namespace cs::ui

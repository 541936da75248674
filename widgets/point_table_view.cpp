#include "widgets/point_table_view.h"

#include "widgets/point_filter_proxy.h"
#include "widgets/point_table_model.h"
#include "widgets/table_items.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include <iterator>

namespace cs::ui {

PointTableView::PointTableView(PointTableModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_proxy(new PointFilterProxy(this))
{
    m_proxy->setSourceModel(model);

    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("pointFilter"));
    m_text->setPlaceholderText(tr("Filter points by name or module…"));
    m_text->setClearButtonEnabled(true);
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("kindFilter"));
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_observer = new QComboBox(this);
    m_observer->setObjectName(QStringLiteral("observerFilter"));
    m_observer->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_worst = new QSpinBox(this);
    m_worst->setObjectName(QStringLiteral("worstFilter"));
    m_worst->setRange(0, 9999);
    m_worst->setSpecialValueText(tr("all"));
    m_worst->setToolTip(tr("Show only the N points with the lowest estimated SQNR (the most quantization noise "
                           "for their signal; L2 errors of points of different magnitude do not compare)"));
    refillCombos();

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_text, 1);
    bar->addWidget(m_kind);
    bar->addWidget(m_observer);
    auto* worstLabel = new QLabel(tr("Lowest SQNR:"), this);
    worstLabel->setObjectName(QStringLiteral("worstFilterLabel"));
    worstLabel->setBuddy(m_worst);
    bar->addWidget(worstLabel);
    bar->addWidget(m_worst);

    m_table = makeSortedTable(this, QStringLiteral("pointTable"), m_proxy, PointTableModel::Name,
                              QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    // Column widths from the first rows only: sizing every row of a thousand-point model on
    // each reset holds up the GUI thread for a third of a second.
    m_table->horizontalHeader()->setResizeContentsPrecision(kSizedRows);
    // Right-click on the header chooses the columns: fifteen do not always fit.
    QHeaderView* header = m_table->horizontalHeader();
    // What a user compares first comes first, so it stays in view on a laptop screen: the
    // point, its observer, the clip range, the scale and the SQNR.
    const int leading[] = {PointTableModel::Name,     PointTableModel::Observer, PointTableModel::ClipLow,
                           PointTableModel::ClipHigh, PointTableModel::Scale,    PointTableModel::Sqnr};
    for (int visual = 0; visual < int(std::size(leading)); ++visual)
        header->moveSection(header->visualIndex(leading[visual]), visual);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QHeaderView::customContextMenuRequested, this, [this, header](const QPoint& pos) {
        auto* menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        for (int column = 0; column < m_proxy->columnCount(); ++column) {
            QAction* action = menu->addAction(m_proxy->headerData(column, Qt::Horizontal).toString());
            action->setCheckable(true);
            action->setChecked(!header->isSectionHidden(column));
            action->setEnabled(column != PointTableModel::Name);
            connect(action, &QAction::toggled, header, [header, column](bool on) { header->setSectionHidden(column, !on); });
        }
        menu->popup(header->mapToGlobal(pos));
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    connect(m_text, &QLineEdit::textChanged, m_proxy, &PointFilterProxy::setNameFilter);
    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setKindFilter(m_kind->currentData().toString()); });
    connect(m_observer, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setObserverFilter(m_observer->currentData().toString()); });
    connect(m_worst, &QSpinBox::valueChanged, m_proxy, &PointFilterProxy::setWorstCount);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { Q_EMIT currentPointChanged(currentPoint()); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { Q_EMIT selectionChanged(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        refillCombos();
        resizeColumnsSoon(m_table);
    });
    // An observer change can add a new observer to the filter list.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &PointTableView::refillCombos);
}

void PointTableView::refill(QComboBox* combo, const QStringList& values, const QString& allText)
{
    const QString current = combo->currentData().toString();
    QStringList items;
    for (int i = 1; i < combo->count(); ++i)
        items << combo->itemData(i).toString();
    if (combo->count() > 0 && items == values && combo->itemText(0) == allText)
        return; // unchanged: keep the popup and selection as they are
    const QSignalBlocker blocker(combo);
    combo->clear();
    combo->addItem(allText, QString());
    for (const QString& v : values)
        combo->addItem(v, v);
    const int index = combo->findData(current);
    combo->setCurrentIndex(index < 0 ? 0 : index);
}

void PointTableView::refillCombos()
{
    QStringList kinds, observers;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row, 0);
        const QString kind = index.data(PointTableModel::KindRole).toString();
        const QString observer = index.data(PointTableModel::ObserverRole).toString();
        if (!kinds.contains(kind))
            kinds << kind;
        if (!observers.contains(observer))
            observers << observer;
    }
    kinds.sort();
    observers.sort();
    refill(m_kind, kinds, tr("All kinds"));
    refill(m_observer, observers, tr("All observers"));
    // The filter that was active may have vanished with the last point that used it.
    m_proxy->setKindFilter(m_kind->currentData().toString());
    m_proxy->setObserverFilter(m_observer->currentData().toString());
}

QString PointTableView::currentPoint() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? current.data(PointTableModel::PointNameRole).toString() : QString();
}

QStringList PointTableView::selectedPoints() const
{
    QStringList names;
    const QString current = currentPoint();
    if (!current.isEmpty())
        names << current;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
        const QString name = index.data(PointTableModel::PointNameRole).toString();
        if (!names.contains(name))
            names << name;
    }
    return names;
}

void PointTableView::selectPoint(const QString& name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return; // filtered out
    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

} // namespace cs::ui

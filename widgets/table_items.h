#pragma once
// Small helpers for the read-only QTableWidgets of the analysis views.
#include <QHeaderView>
#include <QLabel>
#include <QString>
#include <QTableView>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <QTimer>

#include <cmath>

namespace cs::ui {

// A read-only table of whole rows, compact rows, no row numbers, at least `visibleRows` tall.
inline QTableWidget* makeResultTable(QWidget* parent, const QString& objectName, int columns, int visibleRows,
                                     bool singleSelection = true)
{
    auto* table = new QTableWidget(0, columns, parent);
    table->setObjectName(objectName);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    if (singleSelection)
        table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(false);
    table->setWordWrap(false);
    if (visibleRows > 0)
        table->setMinimumHeight(table->fontMetrics().height() * visibleRows);
    return table;
}

// A table over a sortable (proxy) model, sorted by `sortColumn` ascending, selecting whole
// rows, no row numbers: the point lists' common ground, each adds its own look.
inline QTableView* makeSortedTable(QWidget* parent, const QString& objectName, QAbstractItemModel* model,
                                   int sortColumn, QAbstractItemView::SelectionMode selectionMode)
{
    auto* table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setModel(model);
    table->setSortingEnabled(true);
    table->sortByColumn(sortColumn, Qt::AscendingOrder);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(selectionMode);
    table->verticalHeader()->hide();
    return table;
}

// Sizes the columns of `table` to their contents on a later turn of the event loop, once
// however often it is asked meanwhile: measuring a hundred rows of a wide table takes a good
// share of a frame, which should not add to the turn that filled the table.
inline void resizeColumnsSoon(QTableView* table)
{
    static const char* const kPending = "calibscopeColumnsToSize";
    if (table->property(kPending).toBool())
        return;
    table->setProperty(kPending, true);
    QTimer::singleShot(0, table, [table] {
        table->setProperty(kPending, false);
        table->resizeColumnsToContents();
    });
}

// A plain-text label for hints and summaries (never interpreted as rich text: point names
// may contain anything).
inline QLabel* makeTextLabel(QWidget* parent, const QString& objectName, bool wrap = true)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(wrap);
    label->setTextFormat(Qt::PlainText);
    return label;
}

// An item that sorts by the number in `role`: QTableWidgetItem compares the shown texts, which
// puts "10" before "9". NaN sorts below every number, so that the order stays strict.
class NumberItem : public QTableWidgetItem {
public:
    NumberItem(const QString& text, double value, int role) : QTableWidgetItem(text), m_role(role)
    {
        setData(role, value);
    }
    bool operator<(const QTableWidgetItem& other) const override
    {
        const double a = data(m_role).toDouble(), b = other.data(m_role).toDouble();
        if (std::isnan(a) || std::isnan(b))
            return std::isnan(a) && !std::isnan(b);
        return a < b;
    }

private:
    int m_role;
};

// A right-aligned number whose raw value sits in `role`, so tests and sorting read numbers.
inline QTableWidgetItem* numberItem(const QString& text, double value, int role)
{
    auto* item = new NumberItem(text, value, role);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

// A fraction in [0, 1] as "93.25 %".
inline QString percentText(double fraction, int decimals = 2)
{
    return QString::number(fraction * 100.0, 'f', decimals) + QStringLiteral(" %");
}

// Percentage points with their sign: "+0.50", "−1.25" (a true minus, easier to read).
inline QString signedPoints(double points, int decimals = 2)
{
    const QString body = QString::number(std::abs(points), 'f', decimals);
    if (std::abs(points) < 0.5 * std::pow(10.0, -decimals))
        return QString::number(0.0, 'f', decimals);
    return (points > 0 ? QStringLiteral("+") : QStringLiteral("−")) + body;
}

} // namespace cs::ui

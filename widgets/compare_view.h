#pragma once
#include "widgets/observer_estimates.h"

#include <QWidget>

#include <vector>

class QLabel;
class QPushButton;
class QTableWidget;

namespace cs::ui {

class HistogramView;
class PointTableModel;

// Every observer of one point side by side: their clip ranges on the point's histogram (the
// HistogramView draws them from the model) and a table of the quantizer each one gives with
// its estimated error. The lowest error is highlighted; "Use this" asks for an observer to be
// applied (the owner makes it an undoable edit).
class CompareView : public QWidget {
    Q_OBJECT
public:
    enum Column { ObserverColumn, Low, High, Scale, ZeroPoint, L2, Sqnr, Clipped, ColumnCount };
    // On the observer column's items: the registry name, without marks.
    static constexpr int ObserverRole = Qt::UserRole + 1;
    // On numeric items: the raw number (double), for tests and copy.
    static constexpr int ValueRole = Qt::UserRole + 2;

    explicit CompareView(PointTableModel* model, QWidget* parent = nullptr);

    void setPoint(const QString& name);
    QString point() const { return m_point; }

    QTableWidget* table() const { return m_table; }
    QPushButton* useButton() const { return m_use; }
    HistogramView* histogram() const { return m_histogram; }
    int observerRowCount() const { return int(m_rows.size()); }
    const std::vector<ObserverEstimate>& estimates() const { return m_rows; }
    int bestRow() const { return m_best; }
    QString bestObserver() const;
    // Empty when the table has something to show, else why it does not.
    QString hintText() const;
    // Selects the row of `observer`; false when the point has no such row.
    bool selectObserver(const QString& observer);
    QString selectedObserver() const;

Q_SIGNALS:
    void useObserverRequested(const QString& point, const QString& observer);

private:
    void retranslateUi();
    void rebuild();
    void fillRow(int row, const ObserverEstimate& e);
    void updateButton();
    void requestUse(int row);
    int selectedRow() const;

    PointTableModel* m_model;
    QString m_point;
    std::vector<ObserverEstimate> m_rows;
    int m_best = -1;
    HistogramView* m_histogram;
    QLabel* m_hint;
    QTableWidget* m_table;
    QLabel* m_summary;
    QPushButton* m_use;
};

} // namespace cs::ui

#pragma once
#include <QAbstractTableModel>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace cs {
struct CalibrationResult;
}

namespace cs::ui {

// Points × observers: each cell is the local L2 error the compare observer's quantizer would
// give at that point, estimated from the point's histogram (the compare view's numbers).
// Column 0 is the point; columns 1… are the observers present in any point's compare map.
// Each row is coloured from its own best (green) to its worst (red) on a log scale, so a
// row reads the same whatever the point's magnitude; the best cell is bold with a ★.
class ObserverHeatMapModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Roles {
        SortRole = Qt::UserRole + 1, // numbers as numbers (missing cells last); the row index for the point column
        PointNameRole,
        ObserverRole,  // the column's observer ("" on the point column)
        BestRole,      // true on the lowest cell of the row
        InUseRole,     // true on the observer the plan uses for the point
    };

    explicit ObserverHeatMapModel(QObject* parent = nullptr);

    // The numbers are computed and copied: the model keeps no reference to `result`.
    void setResult(const CalibrationResult* result);
    // The same for a result that may be large: the rows appear at once, and past
    // kImmediateRows points their cells are estimated a slice at a time on later turns of the
    // event loop (a thousand points × every observer is several hundred milliseconds of
    // estimates), `result` kept until the last one. Rows of the same points keep their
    // numbers until theirs are recomputed. filled() follows the last slice.
    void setResult(std::shared_ptr<const CalibrationResult> result);
    static constexpr int kImmediateRows = 200;
    // Cells still being estimated.
    bool isFilling() const { return bool(m_filling); }

    QStringList observers() const { return m_observers; }
    QString pointAt(int row) const;
    QString observerAt(int column) const; // "" for the point column
    int rowOf(const QString& point) const;
    // The estimated L2 of a cell; NaN when the observer has no estimate for the point.
    double l2(int row, int column) const;
    int bestColumn(int row) const; // -1 when the row has no estimate

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void filled();

private:
    struct Cell {
        bool has = false;
        double l2 = 0;
        double sqnrDb = 0;
        double clippedFraction = 0;
    };
    struct Row {
        QString point;
        QString inUse; // "" when kept in float
        QString coverage; // the coverage of the validation data, for tooltips ("" = not measured)
        bool notCovered = false;
        std::vector<Cell> cells; // one per observer
        int best = -1;           // index into cells
        double logMin = 0, logMax = 0;
    };
    QVariant background(const Row& row, int cell) const;
    QString tooltip(const Row& row, int cell) const;
    // The rows of `result` without their cells; false when they are the rows shown (same
    // points, same observers), which then keep their cells.
    bool prepareRows(const CalibrationResult* result);
    void estimateRow(const CalibrationResult& result, size_t row);
    void fillSlice();

    QStringList m_observers;
    std::vector<Row> m_rows;
    std::shared_ptr<const CalibrationResult> m_filling; // whose cells are being estimated
    size_t m_nextRow = 0;
    QTimer m_fillTimer;
};

// The heat map as a sortable table. Double-clicking an observer cell asks to use that observer
// for that point; selecting a row names the point (the main window follows it).
class ObserverHeatMap : public QWidget {
    Q_OBJECT
public:
    explicit ObserverHeatMap(QWidget* parent = nullptr);

    void setResult(const CalibrationResult* result);
    // See ObserverHeatMapModel::setResult: cells of a large result follow in slices.
    void setResult(std::shared_ptr<const CalibrationResult> result);
    void selectPoint(const QString& point);

    ObserverHeatMapModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QString hintText() const;

Q_SIGNALS:
    void cellActivated(const QString& point, const QString& observer);
    void pointSelected(const QString& point);

private:
    void retranslateUi();
    void updateHint();
    void resizeColumns();

    ObserverHeatMapModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_hint;
    QLabel* m_legend;
    bool m_selecting = false;
};

} // namespace cs::ui

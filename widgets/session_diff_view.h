#pragma once
// File ▸ Compare With Session…: two calibration sessions point by point (core's
// session_diff: clip range change, scale %, observer, histogram distance; points only in one
// session listed), with both histograms of the selected point overlaid.
#include "core/analysis/session_diff.h"
#include "core/calibration.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace cs::ui {

class SessionDiffModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Point, In, Observer, ClipA, ClipB, ScaleChange, RangeChange, Distance, ColumnCount };
    enum Roles { PointNameRole = Qt::UserRole + 1, SortRole };

    explicit SessionDiffModel(QObject* parent = nullptr);
    void setDiff(const SessionDiff& diff);
    const SessionDiff& diff() const { return m_diff; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    SessionDiff m_diff;
};

class SessionDiffView : public QWidget {
    Q_OBJECT
public:
    explicit SessionDiffView(QWidget* parent = nullptr);

    // A is the open session, B the one compared with it; `diff` is diffSessions(a, b).
    void setSessions(std::shared_ptr<const CalibrationResult> a, std::shared_ptr<const CalibrationResult> b,
                     const SessionDiff& diff, const QString& nameA, const QString& nameB);
    void selectPoint(const QString& point);
    QString currentPoint() const { return m_point; }
    QString summaryText() const;
    SessionDiffModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QCustomPlot* plot() const { return m_plot; }

private:
    void showPoint(const QString& point);

    std::shared_ptr<const CalibrationResult> m_a, m_b;
    QString m_nameA, m_nameB, m_point;
    SessionDiffModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QLabel* m_summary = nullptr;
    QTableView* m_table = nullptr;
    QCustomPlot* m_plot = nullptr;
};

} // namespace cs::ui

#pragma once
#include "widgets/evaluation_view.h"

#include <QStringList>

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QSpinBox;
class QScrollArea;
class QTableWidget;

namespace cs::ui {

// Per-point sensitivity, most sensitive first: how much the headline metric drops when only
// that point is quantized. A table (sorted by any column at a click on its header, numbers
// as numbers), a bar chart of the worst points, and one action that asks to protect the
// worst N (keep them in float or give them 16 bits).
class SensitivityView : public EvaluationView {
    Q_OBJECT
public:
    enum Column { Rank, Point, Drop, OnlyThis, OutputSqnr, ColumnCount };
    static constexpr int ValueRole = Qt::UserRole + 1;     // raw numbers
    static constexpr int PointNameRole = Qt::UserRole + 2; // on every item of a row
    // Bars in the chart: more would not be readable.
    static constexpr int kMaxBars = 20;
    // Rows the column widths are measured on (the points' names are alike).
    static constexpr int kSizedRows = 100;
    // Below the bars: the value axis with its tick labels and its title.
    static constexpr int kAxisHeight = 60;

    explicit SensitivityView(QWidget* parent = nullptr);

    void setEvaluation(const EvaluationResult& evaluation) override;
    void clear() override;

    // The first `n` points of the ranking.
    QStringList worstPoints(int n) const;
    // "keep_float" or "qint16".
    QString protectAction() const;

    QTableWidget* table() const { return m_table; }
    QCustomPlot* plot() const { return m_plot; }
    QSpinBox* countBox() const { return m_count; }
    QComboBox* actionBox() const { return m_action; }
    QPushButton* applyButton() const { return m_apply; }
    QString hintText() const;
    int barCount() const { return m_bars; }

Q_SIGNALS:
    void pointSelected(const QString& point);
    void protectWorstRequested(const QStringList& points, const QString& action);

private:
    void retranslateUi();
    void rebuild();
    void rebuildChart();

    std::vector<SensitivityEntry> m_entries;
    bool m_hasLabels = false;
    int m_bars = 0;

    QLabel* m_hint;
    QTableWidget* m_table;
    QCustomPlot* m_plot;
    // The chart scrolls once its bars would crowd their labels.
    QScrollArea* m_plotScroll;
    QLabel* m_countLabel;
    QSpinBox* m_count;
    QComboBox* m_action;
    QPushButton* m_apply;
};

} // namespace cs::ui

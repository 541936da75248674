#pragma once
#include "widgets/evaluation_view.h"

#include <QPoint>
#include <QShowEvent>
#include <QStringList>

#include <vector>

class QCPGraph;
class QCPItemStraightLine;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QTableWidget;

namespace cs::ui {

// Local and accumulated SQNR along the op order: local = only this point quantized (how much
// error the point itself makes), accumulated = everything up to it quantized (how much has
// piled up). Where the accumulated curve steps down is where error enters the network.
class ErrorPropagationView : public EvaluationView {
    Q_OBJECT
public:
    // One step of the accumulated SQNR from a point to the next in op order.
    struct Step {
        int index = -1;        // the point after the step (EvaluationResult::points order)
        QString point;
        QString previous;
        double before = 0;     // accumulated SQNR (dB) at the previous point
        double after = 0;      // … at this point
        double drop = 0;       // before - after (> 0: the SQNR fell)
    };
    enum DropColumn { DropPoint, DropFrom, DropBefore, DropAfter, DropSize, DropColumnCount };
    static constexpr int ValueRole = Qt::UserRole + 1;
    // Rows of the "where error enters" table.
    static constexpr int kShownDrops = 5;

    explicit ErrorPropagationView(QWidget* parent = nullptr);

    void setEvaluation(const EvaluationResult& evaluation) override;
    void clear() override;
    void setCurrentPoint(const QString& point);
    QString currentPoint() const { return m_current; }

    // Steps down of the accumulated SQNR between consecutive points whose values are both
    // finite, largest drop first (only drops > 0).
    static std::vector<Step> sqnrDrops(const std::vector<PointEvaluation>& points);
    // The first point with a finite accumulated SQNR: where error first appears.
    static int firstErrorIndex(const std::vector<PointEvaluation>& points);

    const std::vector<Step>& drops() const { return m_drops; }
    QString largestDropPoint() const { return m_drops.empty() ? QString() : m_drops.front().point; }
    QStringList pointNames() const { return m_names; }
    // What hovering point `index` shows.
    QString hoverText(int index) const;
    // The point under the plot's pixel x, -1 when none.
    int indexAtPixel(double x) const;

    QCustomPlot* plot() const { return m_plot; }
    QCPGraph* localGraph() const { return m_local; }
    QCPGraph* accumulatedGraph() const { return m_accumulated; }
    QCPItemStraightLine* currentMarker() const { return m_marker; }
    double axisTop() const { return m_top; } // where +inf is drawn
    QTableWidget* dropTable() const { return m_table; }
    QString summaryText() const;

Q_SIGNALS:
    void pointSelected(const QString& point);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void retranslateUi();
    void rebuild();
    void rebuildTable();
    void updateMarker();
    void onMousePress(QMouseEvent* event);
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);

    std::vector<PointEvaluation> m_points;
    QStringList m_names;
    std::vector<Step> m_drops;
    QString m_current;
    // The marker moved while the view was hidden: the plot redraws when it shows (a thousand
    // points take a hidden plot tens of milliseconds per selection otherwise).
    bool m_replotOnShow = false;
    double m_top = 0;
    QPoint m_pressPos;
    bool m_pressed = false;

    QLabel* m_title;
    QCustomPlot* m_plot;
    QCPGraph* m_local = nullptr;
    QCPGraph* m_accumulated = nullptr;
    QCPGraph* m_infinite = nullptr;
    QCPItemStraightLine* m_marker = nullptr;
    QLabel* m_summary;
    QTableWidget* m_table;
};

} // namespace cs::ui

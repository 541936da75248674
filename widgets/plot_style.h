#pragma once
#include <QColor>
#include <QFont>

class QCustomPlot;
class QScrollArea;
class QString;
class QWidget;

namespace cs::ui {

// Colours that stay distinguishable next to each other (Tableau 10 + a few), for the
// compare-observer lines and other series.
QColor seriesColor(int index);
// The colour of the chosen clip range, used wherever it is drawn.
QColor clipColor();

// Axes, grid and background from the widget's palette; call again on palette changes.
void applyPlotTheme(QCustomPlot* plot);

// An empty plot named `objectName` (tests and screenshots find it by name), never lower
// than `minimumHeight`, so each view sets only what differs.
QCustomPlot* makePlot(QWidget* parent, const QString& objectName, int minimumHeight);
// Shows the legend in 85 % of `base`: series names are secondary to the data beside them.
// Returns that font (a view sizing legend items reads it).
QFont showCompactLegend(QCustomPlot* plot, const QFont& base);
// A vertical scroll area around `plot` (named `objectName`): a bar chart with more rows than
// its height shows legibly scrolls instead of writing its labels over each other.
QScrollArea* scrollVertically(QCustomPlot* plot, const QString& objectName);
// Makes a horizontal bar chart of `rows` bars (plus a free slot above and below) at least one
// tick label high per row, with `axisHeight` pixels for the value axis under them.
void fitBarRows(QCustomPlot* plot, int rows, int axisHeight);
// Drag and wheel zoom along the value axis only: the other axis is fitted to the data.
void panAndZoomHorizontally(QCustomPlot* plot);

} // namespace cs::ui

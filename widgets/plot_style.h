#pragma once
#include <QColor>

class QCustomPlot;

namespace cs::ui {

// Colours that stay distinguishable next to each other (Tableau 10 + a few), for the
// compare-observer lines and other series.
QColor seriesColor(int index);
// The colour of the chosen clip range, used wherever it is drawn.
QColor clipColor();

// Axes, grid and background from the widget's palette; call again on palette changes.
void applyPlotTheme(QCustomPlot* plot);

} // namespace cs::ui

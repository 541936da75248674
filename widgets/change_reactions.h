#pragma once
#include <functional>

class QCustomPlot;
class QWidget;

namespace cs::ui {

// Redoes a view's texts when the language changes, and its plot's colours when the palette
// does. Each view says what it redoes; the dispatch on the event type lives here once, in an
// event filter owned by the view, so the view needs no changeEvent override of its own.
// On a palette change `plot` (when given) takes the new palette's theme, then `redraw` runs
// so items coloured from the palette follow. Empty functions are skipped.
void reactToChanges(QWidget* view, std::function<void()> retranslate, QCustomPlot* plot = nullptr,
                    std::function<void()> redraw = {});

} // namespace cs::ui

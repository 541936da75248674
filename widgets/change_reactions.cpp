#include "widgets/change_reactions.h"

#include "widgets/plot_style.h"
#include "widgets/qcustomplot_wrapper.h"

#include <QEvent>
#include <QPointer>
#include <QWidget>

namespace cs::ui {

namespace {

// Lets every event through: the view's own changeEvent still runs (repaints, layout).
class ChangeReactions : public QObject {
public:
    ChangeReactions(QWidget* view, std::function<void()> retranslate, QCustomPlot* plot, std::function<void()> redraw)
        : QObject(view), m_retranslate(std::move(retranslate)), m_plot(plot), m_redraw(std::move(redraw))
    {
        view->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched != parent())
            return false;
        if (event->type() == QEvent::LanguageChange && m_retranslate) {
            m_retranslate();
        } else if (event->type() == QEvent::PaletteChange) {
            if (m_plot)
                applyPlotTheme(m_plot);
            if (m_redraw)
                m_redraw();
        }
        return false;
    }

private:
    std::function<void()> m_retranslate;
    QPointer<QCustomPlot> m_plot;
    std::function<void()> m_redraw;
};

} // namespace

void reactToChanges(QWidget* view, std::function<void()> retranslate, QCustomPlot* plot, std::function<void()> redraw)
{
    new ChangeReactions(view, std::move(retranslate), plot, std::move(redraw));
}

} // namespace cs::ui

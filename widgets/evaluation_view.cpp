#include "widgets/evaluation_view.h"

namespace cs::ui {

EvaluationView::EvaluationView(const QString& bannerName, QWidget* parent)
    : QWidget(parent), m_banner(new StaleBanner(bannerName, this))
{
}

void EvaluationView::setStaleness(Staleness staleness) { m_banner->setStaleness(staleness); }

} // namespace cs::ui

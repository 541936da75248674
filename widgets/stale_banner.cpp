#include "widgets/stale_banner.h"

#include <QEvent>

namespace cs::ui {

StaleBanner::StaleBanner(const QString& objectName, QWidget* parent) : QLabel(parent)
{
    setObjectName(objectName);
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setMargin(6);
    setAutoFillBackground(true);
    // A warning tint that reads on light and dark palettes; the text keeps the palette's colour.
    setStyleSheet(QStringLiteral("QLabel { background: rgba(240, 160, 20, 90); border-radius: 3px; }"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    hide();
}

void StaleBanner::setStaleness(Staleness staleness)
{
    m_staleness = staleness;
    retranslateUi();
    setVisible(isStale());
}

void StaleBanner::retranslateUi()
{
    // Hidden while current; it keeps the usual reason as its text meanwhile.
    switch (m_staleness) {
    case Staleness::Current:
    case Staleness::PlanChanged: setText(tr("The plan changed since this evaluation — evaluate again")); break;
    case Staleness::DataChanged:
        setText(tr("The validation data changed since this evaluation — evaluate again"));
        break;
    }
}

void StaleBanner::changeEvent(QEvent* event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

} // namespace cs::ui

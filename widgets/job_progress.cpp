#include "widgets/job_progress.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include <algorithm>
#include <cmath>

namespace cs::ui {

JobProgress::JobProgress(QWidget* parent) : QWidget(parent)
{
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(QStringLiteral("jobProgressBar"));
    m_bar->setMaximumWidth(220);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("jobProgressLabel"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("jobCancel"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &JobProgress::cancelRequested);
    hide();
}

QString JobProgress::formatDuration(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return tr("unknown");
    const int s = int(std::lround(seconds));
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

void JobProgress::start(const QString& description)
{
    m_bar->setRange(0, 0);
    m_label->setText(description);
    m_cancel->setEnabled(true);
    show();
}

void JobProgress::setProgress(const QString& stage, qint64 done, qint64 total, double imagesPerSecond,
                              double etaSeconds)
{
    if (total <= 0)
        return;
    m_bar->setRange(0, int(total));
    m_bar->setValue(int(done));
    m_label->setText(tr("%1 %2/%3 · %4 images/s · %5 left")
                         .arg(stage)
                         .arg(done)
                         .arg(total)
                         .arg(imagesPerSecond, 0, 'f', 0)
                         .arg(formatDuration(etaSeconds)));
}

void JobProgress::setOverallProgress(const QString& phase, double fraction, double etaSeconds)
{
    if (fraction < 0) {
        m_bar->setRange(0, 0);
        m_label->setText(phase);
        return;
    }
    m_bar->setRange(0, kOverallSteps);
    m_bar->setValue(int(std::lround(std::clamp(fraction, 0.0, 1.0) * kOverallSteps)));
    m_label->setText(tr("%1 · %2 % · %3 left")
                         .arg(phase)
                         .arg(int(std::floor(fraction * 100.0)))
                         .arg(formatDuration(etaSeconds)));
}

void JobProgress::finish()
{
    hide();
    m_bar->reset();
    m_label->clear();
}

QString JobProgress::text() const { return m_label->text(); }

} // namespace cs::ui

#include "widgets/weights_view.h"

#include "core/calibration.h"
#include "widgets/plot_style.h"
#include "widgets/qcustomplot_wrapper.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace cs::ui {

namespace {

QVector<double> toVector(const std::vector<float>& values)
{
    QVector<double> out;
    out.reserve(int(values.size()));
    for (float v : values)
        out << double(v);
    return out;
}

} // namespace

WeightsView::WeightsView(QWidget* parent) : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("weightsTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    m_show = new QComboBox(this);
    m_show->setObjectName(QStringLiteral("weightsShow"));
    m_show->addItem(tr("After BN folding"), int(Show::Folded));
    m_show->addItem(tr("As stored (unfolded)"), int(Show::Unfolded));
    m_show->addItem(tr("Both"), int(Show::Both));
    m_show->setCurrentIndex(int(Show::Both));

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("weightsPlot"));
    m_plot->setMinimumHeight(80);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->xAxis->setLabel(tr("output channel"));
    m_plot->yAxis->setLabel(tr("weight min / max"));
    m_plot->yAxis2->setLabel(tr("scale"));
    m_plot->yAxis2->setVisible(true);
    m_plot->legend->setVisible(true);
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    m_plot->legend->setFont(legendFont);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    applyPlotTheme(m_plot);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    bar->addWidget(m_show);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_plot, 1);

    connect(m_show, &QComboBox::currentIndexChanged, this, &WeightsView::rebuild);
    setWeight(nullptr);
}

void WeightsView::setShow(Show show) { m_show->setCurrentIndex(m_show->findData(int(show))); }

void WeightsView::setWeight(const WeightCalibration* weight)
{
    if (!weight) {
        m_name.clear();
        m_channels = 0;
        m_foldedLo = m_foldedHi = m_unfoldedLo = m_unfoldedHi = m_scales = {};
        rebuild();
        return;
    }
    m_name = QString::fromStdString(weight->name);
    m_foldedLo = toVector(weight->folded.min);
    m_foldedHi = toVector(weight->folded.max);
    m_unfoldedLo = toVector(weight->unfolded.min);
    m_unfoldedHi = toVector(weight->unfolded.max);
    m_scales = toVector(weight->result.scale);
    m_channels = int(m_foldedHi.size());
    m_details = tr("%1 weight %2 · %3 %4 %5")
                    .arg(m_name, QString::fromStdString(shapeToString(weight->shape)),
                         QString::fromStdString(weight->config.name),
                         QString::fromStdString(obs::toString(weight->config.spec.qscheme)),
                         QString::fromStdString(obs::toString(weight->config.spec.dtype)));
    if (!weight->foldedBatchNorm.empty())
        m_details += QLatin1Char(' ') + tr("· folded with %1").arg(QString::fromStdString(weight->foldedBatchNorm));
    else
        m_details += QLatin1Char(' ') + tr("· no batch norm folded");
    rebuild();
}

void WeightsView::rebuild()
{
    m_plot->clearPlottables();
    m_foldedMin = m_foldedMax = m_unfoldedMin = m_unfoldedMax = nullptr;
    m_scale = nullptr;
    if (m_name.isEmpty()) {
        m_title->setText(tr("The selected point has no conv/linear weight."));
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_title->setText(m_details);
    QVector<double> keys;
    for (int c = 0; c < m_channels; ++c)
        keys << c;
    const Show show = Show(m_show->currentData().toInt());
    const auto addBars = [this, &keys](const QVector<double>& values, const QColor& color, bool outline,
                                       double width, const QString& name) {
        auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
        bars->setWidth(width);
        bars->setPen(QPen(color.darker(130)));
        bars->setBrush(outline ? QBrush(Qt::NoBrush) : QBrush(color));
        bars->setData(keys, values, true);
        bars->setName(name);
        if (name.isEmpty())
            bars->removeFromLegend();
        return bars;
    };
    // Unfolded first (wider, outlined) so the folded bars draw on top of them.
    if (show != Show::Folded && m_unfoldedHi.size() == m_channels) {
        m_unfoldedMax = addBars(m_unfoldedHi, seriesColor(1), show == Show::Both, 0.8, tr("as stored"));
        m_unfoldedMin = addBars(m_unfoldedLo, seriesColor(1), show == Show::Both, 0.8, QString());
    }
    if (show != Show::Unfolded) {
        QColor color = seriesColor(0);
        color.setAlpha(200);
        m_foldedMax = addBars(m_foldedHi, color, false, 0.5, tr("BN-folded"));
        m_foldedMin = addBars(m_foldedLo, color, false, 0.5, QString());
    }
    if (m_scales.size() == m_channels) {
        m_scale = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
        m_scale->setName(tr("scale"));
        m_scale->setPen(QPen(clipColor(), 1.5));
        m_scale->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
        m_scale->setData(keys, m_scales, true);
    }
    m_plot->xAxis->setRange(-0.6, m_channels - 0.4);
    m_plot->yAxis->rescale();
    const QCPRange range = m_plot->yAxis->range();
    // Symmetric around zero, so "min below, max above" reads at a glance.
    const double extent = std::max(std::abs(range.lower), std::abs(range.upper)) * 1.1;
    m_plot->yAxis->setRange(-extent, extent);
    if (m_scale) {
        m_plot->yAxis2->rescale();
        m_plot->yAxis2->setRangeLower(0);
        m_plot->yAxis2->setRangeUpper(m_plot->yAxis2->range().upper * 1.1);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void WeightsView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyPlotTheme(m_plot);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace cs::ui

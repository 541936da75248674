#include "widgets/weights_view.h"

#include "core/calibration.h"
#include "widgets/plot_style.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/repair_weight_change.h"
#include "widgets/table_items.h"

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

// A column filling `owner` edge to edge.
QVBoxLayout* edgeToEdgeColumn(QWidget* owner)
{
    auto* column = new QVBoxLayout(owner);
    column->setContentsMargins(0, 0, 0, 0);
    return column;
}

// Two widgets sharing a row equally, edge to edge.
QHBoxLayout* sideBySide(QWidget* left, QWidget* right)
{
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(left, 1);
    row->addWidget(right, 1);
    return row;
}

} // namespace

WeightsView::WeightsView(QWidget* parent) : QWidget(parent)
{
    m_title = makeTextLabel(this, QStringLiteral("weightsTitle"));
    m_show = new QComboBox(this);
    m_show->setObjectName(QStringLiteral("weightsShow"));
    m_show->addItem(tr("After BN folding"), int(Show::Folded));
    m_show->addItem(tr("As stored (unfolded)"), int(Show::Unfolded));
    m_show->addItem(tr("Both"), int(Show::Both));
    m_show->setCurrentIndex(int(Show::Both));

    m_plot = makePlot(this, QStringLiteral("weightsPlot"), 80);
    panAndZoomHorizontally(m_plot);
    m_plot->xAxis->setLabel(tr("output channel"));
    m_plot->yAxis->setLabel(tr("weight min / max"));
    m_plot->yAxis2->setLabel(tr("scale"));
    m_plot->yAxis2->setVisible(true);
    showCompactLegend(m_plot, font());
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    applyPlotTheme(m_plot);

    // The repair's plots: side by side under the ranges, only for a repaired layer.
    m_repairRow = new QWidget(this);
    m_repairTitle = makeTextLabel(m_repairRow, QStringLiteral("weightsRepairTitle"));
    const auto smallPlot = [this](const QString& name) {
        auto* plot = makePlot(m_repairRow, name, 80);
        QFont legendFont = font();
        legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
        plot->legend->setFont(legendFont);
        plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
        applyPlotTheme(plot);
        return plot;
    };
    m_shiftPlot = smallPlot(QStringLiteral("weightsBiasShift"));
    m_histPlot = smallPlot(QStringLiteral("weightsRepairHistogram"));
    auto* repairLayout = edgeToEdgeColumn(m_repairRow);
    repairLayout->addWidget(m_repairTitle);
    repairLayout->addLayout(sideBySide(m_shiftPlot, m_histPlot), 1);
    m_repairRow->hide();

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    bar->addWidget(m_show);
    auto* layout = edgeToEdgeColumn(this);
    layout->addLayout(bar);
    // Beside the ranges, not under them: the inspector is short on a laptop screen.
    layout->addLayout(sideBySide(m_plot, m_repairRow), 1);

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

void WeightsView::setRepairChange(const WeightRepairChange* change)
{
    m_hasRepair = change != nullptr;
    m_biasShift = m_binCenters = m_countsBefore = m_countsAfter = {};
    m_repairLayer.clear();
    m_maxWeightChange = 0;
    if (change) {
        m_repairLayer = QString::fromStdString(change->layer);
        for (double d : change->biasShift)
            m_biasShift << d;
        const int bins = int(change->before.size());
        const double width = bins > 0 ? (change->hi - change->lo) / bins : 0.0;
        for (int b = 0; b < bins; ++b) {
            m_binCenters << change->lo + (b + 0.5) * width;
            m_countsBefore << change->before[size_t(b)];
            m_countsAfter << (size_t(b) < change->after.size() ? change->after[size_t(b)] : 0.0);
        }
        m_maxWeightChange = change->maxWeightChange;
    }
    rebuildRepair();
}

void WeightsView::rebuildRepair()
{
    m_shiftPlot->clearPlottables();
    m_histPlot->clearPlottables();
    m_shiftBars = nullptr;
    m_histBefore = m_histAfter = nullptr;
    m_repairRow->setVisible(m_hasRepair);
    if (!m_hasRepair)
        return;
    double largestShift = 0;
    for (double d : m_biasShift)
        largestShift = std::max(largestShift, std::abs(d));
    m_repairTitle->setText(tr("Repair of %1: largest bias shift %2, largest weight change %3; histogram before "
                              "filled, after as a line")
                               .arg(m_repairLayer)
                               .arg(largestShift, 0, 'g', 3)
                               .arg(m_maxWeightChange, 0, 'g', 3));

    QVector<double> keys;
    for (int c = 0; c < m_biasShift.size(); ++c)
        keys << c;
    m_shiftBars = new QCPBars(m_shiftPlot->xAxis, m_shiftPlot->yAxis);
    m_shiftBars->setName(tr("bias shift"));
    m_shiftBars->setWidth(0.7);
    m_shiftBars->setPen(QPen(seriesColor(3).darker(130)));
    m_shiftBars->setBrush(seriesColor(3));
    m_shiftBars->setData(keys, m_biasShift, true);
    m_shiftPlot->xAxis->setLabel(tr("output channel"));
    m_shiftPlot->yAxis->setLabel(tr("bias shift"));
    m_shiftPlot->xAxis->setRange(-0.6, std::max<double>(m_biasShift.size(), 1) - 0.4);
    const double extent = largestShift > 0 ? largestShift * 1.15 : 1.0;
    m_shiftPlot->yAxis->setRange(-extent, extent);

    const auto histogram = [this](const QVector<double>& counts, const QColor& color, bool filled, const QString& name) {
        auto* graph = m_histPlot->addGraph();
        graph->setName(name);
        graph->setLineStyle(QCPGraph::lsStepCenter);
        graph->setPen(QPen(color, filled ? 1.0 : 1.8));
        if (filled) {
            QColor fill = color;
            fill.setAlpha(70);
            graph->setBrush(fill);
        }
        graph->setData(m_binCenters, counts, true);
        return graph;
    };
    // "Before" filled underneath, "after" as a line on top: where they part the repair moved weights.
    m_histBefore = histogram(m_countsBefore, seriesColor(1), true, tr("before repair"));
    m_histAfter = histogram(m_countsAfter, seriesColor(0), false, tr("after repair"));
    m_histPlot->xAxis->setLabel(tr("weight"));
    m_histPlot->yAxis->setLabel(tr("count"));
    m_histPlot->rescaleAxes();
    m_histPlot->yAxis->setRangeLower(0);
    m_histPlot->yAxis->setRangeUpper(m_histPlot->yAxis->range().upper * 1.1);
    m_shiftPlot->replot(QCustomPlot::rpQueuedReplot);
    m_histPlot->replot(QCustomPlot::rpQueuedReplot);
}

void WeightsView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyPlotTheme(m_plot);
        applyPlotTheme(m_shiftPlot);
        applyPlotTheme(m_histPlot);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        rebuildRepair();
    }
}

} // namespace cs::ui

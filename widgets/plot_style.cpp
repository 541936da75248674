#include "widgets/plot_style.h"

#include "widgets/qcustomplot_wrapper.h"

#include <QFontMetrics>
#include <QScrollArea>

#include <algorithm>
#include <array>

namespace cs::ui {

QColor seriesColor(int index)
{
    static const std::array<QRgb, 14> colors{0x1f77b4, 0xff7f0e, 0x2ca02c, 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf,
                                             0xbcbd22, 0x7f7f7f, 0x393b79, 0x637939, 0x8c6d31, 0x843c39, 0x7b4173};
    return QColor::fromRgb(colors[size_t(index) % colors.size()]);
}

QColor clipColor() { return QColor(214, 39, 40); }

void applyPlotTheme(QCustomPlot* plot)
{
    const QPalette palette = plot->palette();
    const QColor text = palette.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(40);
    plot->setBackground(palette.brush(QPalette::Base));
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes()) {
            axis->setBasePen(QPen(text));
            axis->setTickPen(QPen(text));
            axis->setSubTickPen(QPen(text));
            axis->setTickLabelColor(text);
            axis->setLabelColor(text);
            axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        }
    // Slightly see-through, so data behind an inset legend stays visible.
    QColor legendBackground = palette.color(QPalette::Base);
    legendBackground.setAlpha(200);
    plot->legend->setBrush(legendBackground);
    plot->legend->setBorderPen(QPen(grid));
    plot->legend->setTextColor(text);
}

QCustomPlot* makePlot(QWidget* parent, const QString& objectName, int minimumHeight)
{
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(objectName);
    plot->setMinimumHeight(minimumHeight);
    return plot;
}

QFont showCompactLegend(QCustomPlot* plot, const QFont& base)
{
    plot->legend->setVisible(true);
    QFont legendFont = base;
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    plot->legend->setFont(legendFont);
    return legendFont;
}

void panAndZoomHorizontally(QCustomPlot* plot)
{
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
}

QScrollArea* scrollVertically(QCustomPlot* plot, const QString& objectName)
{
    auto* scroll = new QScrollArea(plot->parentWidget());
    scroll->setObjectName(objectName);
    scroll->setWidget(plot);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return scroll;
}

void fitBarRows(QCustomPlot* plot, int rows, int axisHeight)
{
    const int rowHeight = QFontMetrics(plot->yAxis->tickLabelFont()).height() + 4;
    plot->setMinimumHeight(std::max(80, rowHeight * (rows + 2) + axisHeight));
}

} // namespace cs::ui

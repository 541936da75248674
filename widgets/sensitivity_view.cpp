#include "widgets/sensitivity_view.h"

#include "widgets/change_reactions.h"
#include "widgets/plot_style.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/table_items.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace cs::ui {

SensitivityView::SensitivityView(QWidget* parent) : EvaluationView(QStringLiteral("sensitivityStale"), parent)
{
    m_hint = makeTextLabel(this, QStringLiteral("sensitivityHint"));

    m_table = makeResultTable(this, QStringLiteral("sensitivityTable"), ColumnCount, 4);
    // A click on a header sorts by that column (by name, by SQNR, ...); the rank comes first.
    m_table->horizontalHeader()->setSortIndicator(Rank, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    // Column widths from the rows around the visible ones: measuring every row of a
    // thousand-point ranking costs the GUI thread tens of milliseconds per rebuild.
    m_table->horizontalHeader()->setResizeContentsPrecision(kSizedRows);

    m_plot = makePlot(this, QStringLiteral("sensitivityPlot"), 80);
    applyPlotTheme(m_plot);

    m_countLabel = new QLabel(this);
    m_count = new QSpinBox(this);
    m_count->setObjectName(QStringLiteral("sensitivityCount"));
    m_count->setRange(1, 1);
    m_countLabel->setBuddy(m_count);
    m_action = new QComboBox(this);
    m_action->setObjectName(QStringLiteral("sensitivityAction"));
    m_action->addItem(QString(), QStringLiteral("keep_float"));
    m_action->addItem(QString(), QStringLiteral("qint16"));
    m_action->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_apply = new QPushButton(this);
    m_apply->setObjectName(QStringLiteral("sensitivityApply"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_countLabel);
    bar->addWidget(m_count);
    bar->addWidget(m_action);
    bar->addWidget(m_apply);
    bar->addStretch(1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    m_plotScroll = scrollVertically(m_plot, QStringLiteral("sensitivityPlotScroll"));
    splitter->addWidget(m_plotScroll);
    splitter->setChildrenCollapsible(false);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    // Table a little wider than the chart: by its size hint alone the chart would get a sliver.
    splitter->setSizes({6000, 4000});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_hint);
    layout->addWidget(splitter, 1);
    layout->addLayout(bar);
    // Small enough for a laptop screen beside the other views; the splitters share the rest.
    setMinimumSize(360, 150);

    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem*> items = m_table->selectedItems();
        if (!items.isEmpty())
            Q_EMIT pointSelected(items.front()->data(PointNameRole).toString());
    });
    connect(m_plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable*, int dataIndex, QMouseEvent*) {
        // One bars plottable; its keys are the ranks (1 = most sensitive). The table may be
        // sorted by another column: the rank's row is looked up.
        for (int row = 0; row < m_table->rowCount(); ++row)
            if (m_table->item(row, Rank)->data(ValueRole).toInt() == dataIndex + 1) {
                m_table->selectRow(row);
                break;
            }
    });
    connect(m_apply, &QPushButton::clicked, this,
            [this] { Q_EMIT protectWorstRequested(worstPoints(m_count->value()), protectAction()); });
    retranslateUi();
    reactToChanges(this, [this] { retranslateUi(); }, m_plot, [this] { rebuildChart(); });
}

void SensitivityView::retranslateUi()
{
    m_countLabel->setText(tr("Worst"));
    m_count->setToolTip(tr("How many of the most sensitive points to protect"));
    m_action->setItemText(0, tr("keep float"));
    m_action->setItemText(1, tr("qint16"));
    m_apply->setText(tr("Apply to worst N"));
    m_apply->setToolTip(tr("Change the plan for the N most sensitive points (undoable), then evaluate again"));
    rebuild();
}

void SensitivityView::setEvaluation(const EvaluationResult& evaluation)
{
    m_entries = evaluation.sensitivity;
    m_hasLabels = evaluation.hasLabels;
    m_hasEvaluation = true;
    rebuild();
}

void SensitivityView::clear()
{
    m_entries.clear();
    m_hasEvaluation = false;
    m_banner->setStaleness(Staleness::Current);
    rebuild();
}

QStringList SensitivityView::worstPoints(int n) const
{
    QStringList points;
    for (int i = 0; i < n && i < int(m_entries.size()); ++i)
        points << QString::fromStdString(m_entries[size_t(i)].point);
    return points;
}

QString SensitivityView::protectAction() const { return m_action->currentData().toString(); }

QString SensitivityView::hintText() const { return m_hint->isHidden() ? QString() : m_hint->text(); }

void SensitivityView::rebuild()
{
    m_table->setHorizontalHeaderLabels({tr("Rank"), tr("Point"),
                                        m_hasLabels ? tr("Top-1 drop (pp)") : tr("SQNR drop (dB)"),
                                        m_hasLabels ? tr("Top-1, only this") : tr("Agreement, only this"),
                                        tr("Output SQNR (dB)")});
    m_table->horizontalHeaderItem(Drop)->setToolTip(
        m_hasLabels ? tr("Float top-1 minus the top-1 with only this point quantized, in percentage points")
                    : tr("Without labels: how far the output SQNR falls below %1 dB (no error) with only this "
                         "point quantized")
                          .arg(kHeadlineSqnrCapDb));
    m_table->horizontalHeaderItem(OnlyThis)->setToolTip(tr("The model with only this point (and its weights) quantized"));

    QString hint;
    if (!m_hasEvaluation)
        hint = tr("No evaluation yet: evaluate with \"Per-point sensitivity\" checked to rank the points.");
    else if (m_entries.empty())
        hint = tr("This evaluation has no per-point sensitivity: evaluate again with \"Per-point sensitivity\" "
                  "checked.");
    else
        hint = tr("The points ranked by what quantizing each one alone costs; select a row to go to its op.");
    m_hint->setText(hint);

    const QSignalBlocker blocker(m_table);
    // Filled in rank order, then sorted once by the column the user chose (a sorting table
    // would move each row as its items arrive).
    m_table->setSortingEnabled(false);
    m_table->setRowCount(int(m_entries.size()));
    for (size_t i = 0; i < m_entries.size(); ++i) {
        const SensitivityEntry& e = m_entries[i];
        const int row = int(i);
        const QString name = QString::fromStdString(e.point);
        const double only = m_hasLabels ? e.onlyThis.top1 : e.onlyThis.argmaxAgreement;
        m_table->setItem(row, Rank, numberItem(QString::number(row + 1), row + 1, ValueRole));
        m_table->setItem(row, Point, new QTableWidgetItem(name));
        m_table->setItem(row, Drop, numberItem(QString::number(e.drop, 'f', 2), e.drop, ValueRole));
        m_table->setItem(row, OnlyThis, numberItem(percentText(only), only, ValueRole));
        m_table->setItem(row, OutputSqnr, numberItem(formatNumber(e.onlyThis.sqnrDb, 4), e.onlyThis.sqnrDb, ValueRole));
        for (int c = 0; c < ColumnCount; ++c)
            m_table->item(row, c)->setData(PointNameRole, name);
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();

    const int n = int(m_entries.size());
    const bool wasEmpty = !m_apply->isEnabled();
    m_count->setRange(1, std::max(1, n));
    // A first ranking starts with a few points; later ones keep the user's choice.
    if (n > 0 && wasEmpty)
        m_count->setValue(std::min(3, n));
    m_count->setEnabled(n > 0);
    m_action->setEnabled(n > 0);
    m_apply->setEnabled(n > 0);
    rebuildChart();
}

void SensitivityView::rebuildChart()
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_bars = 0;
    m_plot->xAxis->setLabel(m_hasLabels ? tr("top-1 drop (percentage points)") : tr("output SQNR drop (dB)"));
    const int n = std::min(kMaxBars, int(m_entries.size()));
    m_plot->setVisible(n > 0);
    m_plotScroll->setVisible(n > 0);
    if (n == 0) {
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    QVector<double> keys, values;
    double lo = 0, hi = 0;
    for (int i = 0; i < n; ++i) {
        const SensitivityEntry& e = m_entries[size_t(i)];
        keys << i + 1;
        values << e.drop;
        ticker->addTick(i + 1, QString::fromStdString(e.point));
        lo = std::min(lo, e.drop);
        hi = std::max(hi, e.drop);
    }
    auto* bars = new QCPBars(m_plot->yAxis, m_plot->xAxis);
    QColor color = clipColor();
    bars->setPen(QPen(color.darker(130)));
    color.setAlpha(170);
    bars->setBrush(color);
    bars->setWidth(0.7);
    bars->setData(keys, values, true);
    m_bars = n;
    m_plot->yAxis->setTicker(ticker);
    m_plot->yAxis->setRangeReversed(true); // the most sensitive at the top, as in the table
    m_plot->yAxis->setRange(0.4, n + 0.6);
    m_plot->yAxis->grid()->setVisible(false);
    QFont tickFont = font();
    if (n > 12)
        tickFont.setPointSizeF(tickFont.pointSizeF() * 0.85);
    m_plot->yAxis->setTickLabelFont(tickFont);
    // Twenty names in a short chart would write over each other: it scrolls.
    fitBarRows(m_plot, n, kAxisHeight);
    const double span = std::max(hi - lo, 1e-3);
    m_plot->xAxis->setRange(lo - span * 0.02, hi + span * 0.08);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace cs::ui

#include "widgets/accuracy_view.h"

#include "widgets/change_reactions.h"
#include "widgets/plot_style.h"
#include "widgets/point_table_model.h"
#include "widgets/qcustomplot_wrapper.h"
#include "widgets/repair_labels.h"
#include "widgets/table_items.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace cs::ui {

namespace {

// The number the chart and Δ compare (core's rule for a row).
double headline(const OutputMetrics& m, bool labels) { return rowAccuracy(m, labels); }

QColor rowColor(const std::string& label)
{
    if (label == kFloatRow)
        return seriesColor(8);
    if (label == kPlanRow)
        return clipColor();
    if (label == kAutoRow)
        return seriesColor(2);
    if (label == kBeforeRepairRow)
        return seriesColor(4);
    if (isRepairRow(label))
        return seriesColor(3);
    return seriesColor(0);
}

} // namespace

AccuracyView::AccuracyView(QWidget* parent) : EvaluationView(QStringLiteral("accuracyStale"), parent)
{

    m_imagesLabel = new QLabel(this);
    m_images = new QSpinBox(this);
    m_images->setObjectName(QStringLiteral("accuracyImages"));
    m_images->setRange(0, 100000000);
    m_images->setSingleStep(100);
    m_images->setValue(0);
    m_imagesLabel->setBuddy(m_images);
    m_sensitivity = new QCheckBox(this);
    m_sensitivity->setObjectName(QStringLiteral("accuracySensitivity"));
    m_sensitivity->setChecked(true);
    m_evaluate = new QPushButton(this);
    m_evaluate->setObjectName(QStringLiteral("accuracyEvaluate"));
    m_cancel = new QPushButton(this);
    m_cancel->setObjectName(QStringLiteral("accuracyCancel"));
    m_cancel->setEnabled(false);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_imagesLabel);
    controls->addWidget(m_images);
    controls->addWidget(m_sensitivity);
    controls->addStretch(1);
    controls->addWidget(m_evaluate);
    controls->addWidget(m_cancel);

    m_progressRow = new QWidget(this);
    m_progressText = new QLabel(m_progressRow);
    m_progressText->setTextFormat(Qt::PlainText);
    m_progress = new QProgressBar(m_progressRow);
    m_progress->setObjectName(QStringLiteral("accuracyProgress"));
    auto* progressLayout = new QHBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    progressLayout->addWidget(m_progressText, 1);
    progressLayout->addWidget(m_progress, 1);
    m_progressRow->hide();

    m_summary = makeTextLabel(this, QStringLiteral("accuracySummary"));
    // Spare height goes to the table and the chart, never to the one-line texts.
    m_summary->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    m_notes = makeTextLabel(this, QStringLiteral("accuracyNotes"));
    m_notes->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    m_notes->setStyleSheet(QStringLiteral("QLabel { color: #b35900; font-weight: bold; }"));
    m_notes->hide();

    m_table = makeResultTable(this, QStringLiteral("accuracyTable"), ColumnCount, 4, false);

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("accuracyPlot"));
    m_plot->setMinimumHeight(80);
    applyPlotTheme(m_plot);
    m_plotScroll = scrollVertically(m_plot, QStringLiteral("accuracyPlotScroll"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addLayout(controls);
    layout->addWidget(m_progressRow);
    layout->addWidget(m_summary);
    layout->addWidget(m_notes);
    // Side by side: one bar per table row, and the chart needs the height for its labels.
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_plotScroll);
    splitter->setChildrenCollapsible(false);
    splitter->setSizes({5500, 4500});
    layout->addWidget(splitter, 1);
    setMinimumSize(480, 150);

    connect(m_evaluate, &QPushButton::clicked, this,
            [this] { Q_EMIT evaluateRequested(m_images->value(), m_sensitivity->isChecked()); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { Q_EMIT cancelRequested(); });
    retranslateUi();
    reactToChanges(this, [this] { retranslateUi(); }, m_plot, [this] { rebuildChart(); });
}

void AccuracyView::retranslateUi()
{
    m_imagesLabel->setText(tr("Validation images:"));
    m_images->setSpecialValueText(tr("all"));
    m_images->setToolTip(tr("How many validation images to evaluate on (all = the whole set)"));
    m_sensitivity->setText(tr("Per-point sensitivity"));
    m_sensitivity->setToolTip(tr("Also quantize each point alone to rank the points by the accuracy they cost "
                                 "(one more pass per point)"));
    m_evaluate->setText(tr("Evaluate"));
    m_cancel->setText(tr("Cancel"));
    rebuild();
}

QString AccuracyView::displayLabel(const std::string& label)
{
    if (label == kFloatRow)
        return tr("Float");
    if (label == kPlanRow)
        return tr("Your plan");
    if (label == kAutoRow)
        return tr("Automatic plan");
    if (isRepairRow(label))
        return repairRowDisplay(label);
    return QString::fromStdString(label);
}

void AccuracyView::setEvaluation(const EvaluationResult& evaluation)
{
    m_evaluation = evaluation;
    m_hasEvaluation = true;
    rebuild();
}

void AccuracyView::setDataNotes(const QStringList& notes)
{
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
}

void AccuracyView::clear()
{
    m_evaluation = {};
    m_hasEvaluation = false;
    setStale(false);
    rebuild();
}

void AccuracyView::setRunning(bool running)
{
    m_running = running;
    m_evaluate->setEnabled(!running);
    m_images->setEnabled(!running);
    m_sensitivity->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_progressRow->setVisible(running);
    if (running) {
        m_progressText->setText(tr("Evaluating…"));
        m_progress->setRange(0, 0); // busy until the first report
    }
}

void AccuracyView::setProgress(const QString& text, int done, int total)
{
    m_progressText->setText(text);
    if (total > 0) {
        m_progress->setRange(0, total);
        m_progress->setValue(std::clamp(done, 0, total));
    } else {
        m_progress->setRange(0, 0);
    }
}

void AccuracyView::setStale(bool stale) { setStaleness(stale ? Staleness::PlanChanged : Staleness::Current); }

void AccuracyView::setMaxImages(int images) { m_images->setValue(images); }
int AccuracyView::maxImages() const { return m_images->value(); }

QString AccuracyView::summaryText() const { return m_summary->text(); }

void AccuracyView::rebuild()
{
    const bool labels = m_evaluation.hasLabels;
    m_table->setHorizontalHeaderLabels({tr("Plan"), tr("Top-1"), tr("Top-5"), tr("Agreement"), tr("Output SQNR (dB)"),
                                        tr("Cosine"), labels ? tr("Δ top-1 (pp)") : tr("Δ agreement (pp)")});
    m_table->horizontalHeaderItem(Agreement)->setToolTip(tr("Share of images whose top class is the float model's"));
    m_table->horizontalHeaderItem(OutputSqnr)->setToolTip(
        tr("Signal-to-quantization-noise ratio of the logits against the float model's (higher is better)"));
    m_table->horizontalHeaderItem(Delta)->setToolTip(tr("Difference to the float model in percentage points"));

    if (!m_hasEvaluation) {
        m_summary->setText(tr("No evaluation yet: choose how many validation images to use and press Evaluate."));
        m_table->setRowCount(0);
        m_table->resizeColumnsToContents();
        rebuildChart();
        return;
    }
    QString summary = tr("%1 images in %2 batches, %3 s.")
                          .arg(m_evaluation.images)
                          .arg(m_evaluation.batches)
                          .arg(m_evaluation.seconds, 0, 'f', 1);
    summary += QLatin1Char(' ')
               + (labels ? tr("Accuracy against the labels.")
                         : tr("The data has no labels: agreement with the float model instead of accuracy."));
    m_summary->setText(summary);

    const double floatHeadline = headline(m_evaluation.floatMetrics, labels);
    // The best quantized row is what the user is looking for.
    int best = -1;
    for (size_t i = 0; i < m_evaluation.accuracy.size(); ++i)
        if (m_evaluation.accuracy[i].label != kFloatRow
            && (best < 0
                || headline(m_evaluation.accuracy[i].metrics, labels)
                       > headline(m_evaluation.accuracy[size_t(best)].metrics, labels)))
            best = int(i);

    m_table->setRowCount(int(m_evaluation.accuracy.size()));
    const auto noneItem = [] {
        auto* item = new QTableWidgetItem(QStringLiteral("—"));
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };
    for (size_t i = 0; i < m_evaluation.accuracy.size(); ++i) {
        const AccuracyRow& r = m_evaluation.accuracy[i];
        const OutputMetrics& m = r.metrics;
        const int row = int(i);
        auto* label = new QTableWidgetItem(displayLabel(r.label));
        label->setData(LabelRole, QString::fromStdString(r.label));
        m_table->setItem(row, Label, label);
        m_table->setItem(row, Top1, labels ? numberItem(percentText(m.top1), m.top1, ValueRole) : noneItem());
        m_table->setItem(row, Top5, labels ? numberItem(percentText(m.top5), m.top5, ValueRole) : noneItem());
        m_table->setItem(row, Agreement, numberItem(percentText(m.argmaxAgreement), m.argmaxAgreement, ValueRole));
        m_table->setItem(row, OutputSqnr, numberItem(formatNumber(m.sqnrDb, 4), m.sqnrDb, ValueRole));
        m_table->setItem(row, Cosine, numberItem(QString::number(m.cosine, 'f', 5), m.cosine, ValueRole));
        const double delta = (headline(m, labels) - floatHeadline) * 100.0;
        m_table->setItem(row, Delta, r.label == kFloatRow ? noneItem() : numberItem(signedPoints(delta), delta, ValueRole));
        if (row == best)
            for (int c = 0; c < ColumnCount; ++c) {
                QTableWidgetItem* item = m_table->item(row, c);
                QFont font = item->font();
                font.setBold(true);
                item->setFont(font);
                item->setToolTip(tr("The best quantized plan of this evaluation"));
            }
    }
    m_table->resizeColumnsToContents();
    rebuildChart();
}

void AccuracyView::rebuildChart()
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_bars = 0;
    const bool labels = m_evaluation.hasLabels;
    const auto& rows = m_evaluation.accuracy;
    m_plot->xAxis->setLabel(labels ? tr("top-1 accuracy (%)") : tr("agreement with the float model (%)"));
    // An empty chart says nothing the summary does not: hidden until there is data.
    const bool shown = m_hasEvaluation && !rows.empty();
    m_plot->setVisible(shown);
    m_plotScroll->setVisible(shown);
    // A dozen observers in a short chart would write their names over each other: it scrolls.
    fitBarRows(m_plot, int(rows.size()), kAxisHeight);
    if (!m_hasEvaluation || rows.empty()) {
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    // Horizontal bars: the rows on the (reversed) y axis, so the table's order reads top down.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double lo = 100, hi = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        const double key = double(i + 1);
        const double value = headline(rows[i].metrics, labels) * 100.0;
        ticker->addTick(key, displayLabel(rows[i].label));
        auto* bars = new QCPBars(m_plot->yAxis, m_plot->xAxis);
        const QColor color = rowColor(rows[i].label);
        bars->setPen(QPen(color.darker(130)));
        QColor fill = color;
        fill.setAlpha(170);
        bars->setBrush(fill);
        bars->setWidth(0.65);
        bars->setData({key}, {value}, true);
        ++m_bars;
        auto* text = new QCPItemText(m_plot);
        text->position->setCoords(value, key);
        text->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        text->setPadding(QMargins(4, 0, 0, 0));
        text->setText(QString::number(value, 'f', 2));
        text->setColor(palette().color(QPalette::WindowText));
        text->setClipToAxisRect(false);
        lo = std::min(lo, value);
        hi = std::max(hi, value);
    }
    m_plot->yAxis->setTicker(ticker);
    m_plot->yAxis->setRangeReversed(true);
    // A free slot above the first bar (key 0) carries the float line's label.
    m_plot->yAxis->setRange(-1.1, double(rows.size()) + 0.6);
    m_plot->yAxis->grid()->setVisible(false);
    // Zoomed to where the rows differ (a few points), with room on the right for the numbers.
    const double spread = std::max(2.0, hi - lo);
    const double lower = std::max(0.0, std::floor(lo - spread));
    m_plot->xAxis->setRange(lower, std::min(100.0, hi) + (hi - lower) * 0.15 + 0.5);

    const double floatValue = headline(m_evaluation.floatMetrics, labels) * 100.0;
    auto* line = new QCPItemStraightLine(m_plot);
    line->point1->setCoords(floatValue, 0);
    line->point2->setCoords(floatValue, 1);
    line->setPen(QPen(palette().color(QPalette::WindowText), 1.5, Qt::DashLine));
    auto* floatText = new QCPItemText(m_plot);
    // In the free slot above the bars, left of the line: on its right it would leave the plot
    // whenever float is near the top of the axis.
    floatText->position->setCoords(floatValue, -0.6);
    floatText->setPositionAlignment(Qt::AlignRight | Qt::AlignVCenter);
    floatText->setPadding(QMargins(4, 0, 4, 0));
    floatText->setText(tr("float %1").arg(floatValue, 0, 'f', 2));
    floatText->setColor(palette().color(QPalette::WindowText));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace cs::ui

#include "widgets/compare_view.h"

#include "widgets/change_reactions.h"
#include "widgets/histogram_view.h"
#include "widgets/plot_style.h"
#include "widgets/table_items.h"
#include "widgets/point_table_model.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cs::ui {

namespace {

// Translucent, so the tint reads on light and dark palettes alike.
QColor bestTint() { return QColor(44, 160, 44, 70); }

// A small line in the colour HistogramView draws the observer's range with.
QIcon lineIcon(const QColor& color, Qt::PenStyle style)
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setPen(QPen(color, 2, style));
    painter.drawLine(1, 8, 15, 8);
    return QIcon(pixmap);
}

QTableWidgetItem* numberItem(const QString& text, double value)
{
    auto* item = new QTableWidgetItem(text);
    item->setData(CompareView::ValueRole, value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

CompareView::CompareView(PointTableModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    m_histogram = new HistogramView(model, this);
    m_histogram->setObjectName(QStringLiteral("compareHistogram"));
    m_histogram->setShowCompare(true);
    // Activations after a ReLU pile up at zero: on a linear axis the rest of the histogram,
    // where the observers disagree, would be invisible.
    m_histogram->setLogScale(true);

    m_hint = makeTextLabel(this, QStringLiteral("compareHint"));

    m_table = makeResultTable(this, QStringLiteral("compareTable"), ColumnCount, 5);

    m_summary = makeTextLabel(this, QStringLiteral("compareSummary"));
    m_use = new QPushButton(this);
    m_use->setObjectName(QStringLiteral("compareUse"));

    auto* lower = new QWidget(this);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_hint);
    lowerLayout->addWidget(m_table, 1);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_use);
    lowerLayout->addLayout(bar);

    // Side by side: the inspector is wide and short, and the table needs its rows.
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_histogram);
    splitter->addWidget(lower);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    // Room for all eight columns of the table next to a readable histogram.
    splitter->setSizes({5000, 5000});
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    setMinimumSize(480, 140);

    connect(m_table, &QTableWidget::itemSelectionChanged, this, &CompareView::updateButton);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { requestUse(row); });
    connect(m_use, &QPushButton::clicked, this, [this] { requestUse(selectedRow()); });
    connect(m_model, &QAbstractItemModel::modelReset, this, &CompareView::rebuild);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from, const QModelIndex& to) {
        const int row = m_model->rowOf(m_point);
        if (row >= from.row() && row <= to.row())
            rebuild();
    });
    retranslateUi();
    reactToChanges(this, [this] { retranslateUi(); });
}

void CompareView::retranslateUi()
{
    m_table->setHorizontalHeaderLabels({tr("Observer"), tr("Clip low"), tr("Clip high"), tr("Scale"), tr("Zero point"),
                                        tr("L2"), tr("SQNR (dB)"), tr("Clipped %")});
    m_table->horizontalHeaderItem(L2)->setToolTip(
        tr("Quantization error ‖x − q(x)‖ estimated from the point's histogram (lower is better)"));
    m_table->horizontalHeaderItem(Sqnr)->setToolTip(tr("Signal-to-quantization-noise ratio in dB (higher is better)"));
    m_table->horizontalHeaderItem(Clipped)->setToolTip(tr("Share of the values outside the observer's range"));
    m_use->setText(tr("Use this"));
    m_use->setToolTip(tr("Quantize this point with the selected observer (double-click a row does the same)"));
    rebuild();
}

void CompareView::setPoint(const QString& name)
{
    if (name == m_point)
        return;
    m_point = name;
    m_histogram->setPoint(name);
    rebuild();
}

QString CompareView::hintText() const { return m_hint->isHidden() ? QString() : m_hint->text(); }

void CompareView::rebuild()
{
    const QString selected = selectedObserver();
    const PointCalibration* p = m_model->point(m_model->rowOf(m_point));
    m_rows = p ? observerEstimates(*p) : std::vector<ObserverEstimate>{};
    m_best = bestEstimate(m_rows);

    QString hint;
    if (!p)
        hint = m_model->rowCount() == 0 ? tr("No calibration yet: calibrate to compare observers.")
                                        : tr("Select a point to compare its observers.");
    else if (p->compare.empty())
        // The GUI always calibrates in compare mode; results without it come from the CLI.
        hint = tr("Only the configured observer was run for this point (calibscope-cli calibrate without "
                  "--compare). Calibrate again (F5) to see every observer's range and error side by side.");
    m_hint->setText(hint);
    m_hint->setHidden(hint.isEmpty());

    m_table->setRowCount(int(m_rows.size()));
    for (size_t i = 0; i < m_rows.size(); ++i)
        fillRow(int(i), m_rows[i]);
    m_table->resizeColumnsToContents();

    if (m_best >= 0) {
        const ObserverEstimate& b = m_rows[size_t(m_best)];
        m_summary->setText(b.configured ? tr("The observer in use has the lowest estimated error (L2 %1).")
                                                .arg(formatNumber(b.estimate.l2, 4))
                                        : tr("Lowest estimated error: %1 (L2 %2, SQNR %3 dB).")
                                              .arg(b.observer, formatNumber(b.estimate.l2, 4),
                                                   formatNumber(b.estimate.sqnrDb, 4)));
    } else {
        m_summary->clear();
    }
    // Keep the user's row across refreshes; otherwise offer the best one.
    if (!selectObserver(selected) && m_best >= 0)
        m_table->selectRow(m_best);
    updateButton();
}

void CompareView::fillRow(int row, const ObserverEstimate& e)
{
    QString name = e.observer;
    if (e.configured)
        name = e.keepFloat ? tr("%1 (in use, kept in float)").arg(e.observer) : tr("%1 (in use)").arg(e.observer);
    if (row == m_best)
        name = QStringLiteral("★ ") + name;
    auto* nameItem = new QTableWidgetItem(name);
    nameItem->setData(ObserverRole, e.observer);
    if (e.configured)
        nameItem->setIcon(lineIcon(clipColor(), Qt::SolidLine));
    else if (e.compareIndex >= 0)
        nameItem->setIcon(lineIcon(seriesColor(2 + e.compareIndex), Qt::DashDotLine));
    nameItem->setToolTip(e.configured ? tr("The observer the plan uses for this point")
                                      : tr("Run with its default parameters alongside the configured observer (compare mode)"));
    m_table->setItem(row, ObserverColumn, nameItem);

    const auto put = [this, row](int column, QTableWidgetItem* item) { m_table->setItem(row, column, item); };
    const auto empty = [] { return new QTableWidgetItem(); };
    put(Low, e.hasRange ? numberItem(formatNumber(e.low), e.low) : empty());
    put(High, e.hasRange ? numberItem(formatNumber(e.high), e.high) : empty());
    const bool showQParams = e.hasQParams && !e.keepFloat;
    put(Scale, showQParams ? numberItem(formatNumber(e.scale), e.scale) : empty());
    put(ZeroPoint, showQParams ? numberItem(QString::number(e.zeroPoint), double(e.zeroPoint)) : empty());
    if (e.hasEstimate) {
        put(L2, numberItem(formatNumber(e.estimate.l2, 4), e.estimate.l2));
        put(Sqnr, numberItem(formatNumber(e.estimate.sqnrDb, 4), e.estimate.sqnrDb));
        put(Clipped, numberItem(QString::number(e.estimate.clippedFraction * 100.0, 'f', 3),
                                e.estimate.clippedFraction * 100.0));
    } else {
        for (int c : {int(L2), int(Sqnr), int(Clipped)})
            put(c, empty());
    }
    for (int c = 0; c < ColumnCount; ++c) {
        QTableWidgetItem* item = m_table->item(row, c);
        if (row == m_best) {
            item->setBackground(bestTint());
            QFont font = item->font();
            font.setBold(true);
            item->setFont(font);
        }
        if (c != ObserverColumn && e.hasEstimate)
            item->setToolTip(tr("%1: L2 %2 · SQNR %3 dB · %4 % clipped")
                                 .arg(e.observer, formatNumber(e.estimate.l2, 4), formatNumber(e.estimate.sqnrDb, 4))
                                 .arg(e.estimate.clippedFraction * 100.0, 0, 'f', 3));
    }
}

int CompareView::selectedRow() const
{
    const QList<QTableWidgetItem*> items = m_table->selectedItems();
    return items.isEmpty() ? -1 : items.front()->row();
}

QString CompareView::selectedObserver() const
{
    const int row = selectedRow();
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].observer : QString();
}

bool CompareView::selectObserver(const QString& observer)
{
    if (observer.isEmpty())
        return false;
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].observer == observer) {
            m_table->selectRow(int(i));
            return true;
        }
    return false;
}

QString CompareView::bestObserver() const { return m_best >= 0 ? m_rows[size_t(m_best)].observer : QString(); }

void CompareView::updateButton()
{
    const int row = selectedRow();
    // The configured row is what the point already uses: nothing to apply.
    m_use->setEnabled(row >= 0 && row < int(m_rows.size()) && !m_rows[size_t(row)].configured
                      && m_rows[size_t(row)].hasQParams);
}

void CompareView::requestUse(int row)
{
    if (row < 0 || row >= int(m_rows.size()))
        return;
    const ObserverEstimate& e = m_rows[size_t(row)];
    if (e.configured || !e.hasQParams)
        return;
    Q_EMIT useObserverRequested(m_point, e.observer);
}

} // namespace cs::ui

#include "widgets/repair_panel.h"

#include "widgets/repair_records_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <initializer_list>

namespace cs::ui {

namespace {

void setTexts(QCheckBox* box, const QString& text, const QString& toolTip)
{
    box->setText(text);
    box->setToolTip(toolTip);
}

} // namespace

RepairPanel::RepairPanel(QWidget* parent) : QWidget(parent)
{
    m_intro = new QLabel(this);
    m_intro->setWordWrap(true);
    m_presetLabel = new QLabel(this);
    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("repairPreset"));
    m_presetLabel->setBuddy(m_preset);
    const auto box = [this](const char* name) {
        auto* b = new QCheckBox(this);
        b->setObjectName(QLatin1String(name));
        return b;
    };
    m_equalize = box("repairEqualize");
    m_absorb = box("repairAbsorb");
    m_absorb->setChecked(true);
    m_clipping = box("repairClipping");
    m_bias = box("repairBias");
    m_biasFlavour = new QComboBox(this);
    m_biasFlavour->setObjectName(QStringLiteral("repairBiasFlavour"));
    m_biasFlavour->addItem(QString(), false);
    m_biasFlavour->addItem(QString(), true);
    m_planSearch = box("repairPlanSearch");
    m_adaround = box("repairAdaround");
    m_iterations = new QSpinBox(this);
    m_iterations->setObjectName(QStringLiteral("repairIterations"));
    m_iterations->setRange(1, 100000);
    m_iterations->setValue(400);
    m_budget = box("repairBudget");
    m_budgetPoints = new QDoubleSpinBox(this);
    m_budgetPoints->setObjectName(QStringLiteral("repairBudgetPoints"));
    m_budgetPoints->setRange(0.0, 100.0);
    m_budgetPoints->setDecimals(2);
    m_budgetPoints->setSingleStep(0.1);
    m_budgetPoints->setValue(0.5);
    m_batchesLabel = new QLabel(this);
    m_batches = new QSpinBox(this);
    m_batches->setObjectName(QStringLiteral("repairBatches"));
    m_batches->setRange(-1, 1000000);
    m_batchesLabel->setBuddy(m_batches);

    m_run = new QPushButton(this);
    m_run->setObjectName(QStringLiteral("repairRun"));
    m_cancel = new QPushButton(this);
    m_cancel->setObjectName(QStringLiteral("repairCancel"));
    m_progressText = new QLabel(this);
    m_progressText->setObjectName(QStringLiteral("repairProgressText"));
    m_progressText->setTextFormat(Qt::PlainText);
    m_progressText->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("repairProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(false); // no "0 %" while nothing runs

    m_records = new RepairRecordsModel(this);
    m_recordsLabel = new QLabel(this);
    m_recordsView = new QTableView(this);
    m_recordsView->setObjectName(QStringLiteral("repairRecords"));
    m_recordsView->setModel(m_records);
    m_recordsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_recordsView->setWordWrap(false);
    m_recordsView->verticalHeader()->hide();
    m_recordsView->horizontalHeader()->setStretchLastSection(true);
    m_recordsView->horizontalHeader()->setSectionResizeMode(RepairRecordsModel::Repair, QHeaderView::ResizeToContents);

    auto* grid = new QGridLayout;
    int row = 0;
    grid->addWidget(m_presetLabel, row, 0);
    grid->addWidget(m_preset, row++, 1);
    grid->addWidget(m_equalize, row, 0);
    grid->addWidget(m_absorb, row++, 1);
    grid->addWidget(m_clipping, row++, 0, 1, 2);
    grid->addWidget(m_bias, row, 0);
    grid->addWidget(m_biasFlavour, row++, 1);
    grid->addWidget(m_planSearch, row++, 0, 1, 2);
    grid->addWidget(m_adaround, row, 0);
    grid->addWidget(m_iterations, row++, 1);
    grid->addWidget(m_budget, row, 0);
    grid->addWidget(m_budgetPoints, row++, 1);
    grid->addWidget(m_batchesLabel, row, 0);
    grid->addWidget(m_batches, row++, 1);
    // Run, Cancel and the progress stay in view; the choices above them scroll rather than
    // make the window taller than a laptop screen.
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);

    auto* choices = new QWidget;
    auto* choicesLayout = new QVBoxLayout(choices);
    choicesLayout->setContentsMargins(0, 0, 0, 0);
    choicesLayout->addLayout(grid);
    choicesLayout->addStretch(1);

    auto* records = new QVBoxLayout;
    records->addWidget(m_intro);
    records->addWidget(m_recordsLabel);
    records->addWidget(m_recordsView, 1);

    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("repairControls"));
    scroll->setWidget(choices);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* controls = new QVBoxLayout;
    controls->addWidget(scroll, 1);
    controls->addLayout(buttons);
    controls->addWidget(m_progressText);

    auto* layout = new QHBoxLayout(this);
    layout->addLayout(controls, 2);
    layout->addLayout(records, 3);

    for (QCheckBox* b : {m_equalize, m_clipping, m_bias, m_planSearch, m_adaround, m_budget})
        connect(b, &QCheckBox::toggled, this, &RepairPanel::updateEnabled);
    connect(m_preset, &QComboBox::currentIndexChanged, this, &RepairPanel::updateEnabled);
    connect(m_run, &QPushButton::clicked, this, &RepairPanel::runRequested);
    connect(m_cancel, &QPushButton::clicked, this, &RepairPanel::cancelRequested);
    retranslateUi();
}

void RepairPanel::retranslateUi()
{
    m_intro->setText(tr("Repairs change the conv/linear parameters the quantized model runs with, measured on "
                        "the calibration data; the activations are calibrated again with them. Each run is one "
                        "step of Edit ▸ Undo."));
    m_presetLabel->setText(tr("&Preset:"));
    const int preset = std::max(m_preset->currentIndex(), 0);
    m_preset->clear();
    m_preset->addItem(tr("none"), QString());
    for (int i = 0; i < m_presetNames.size(); ++i) {
        m_preset->addItem(m_presetNames[i], m_presetNames[i]);
        m_preset->setItemData(i + 1, m_presetDescriptions.value(i), Qt::ToolTipRole);
    }
    m_preset->setCurrentIndex(std::min(preset, m_preset->count() - 1));
    m_preset->setToolTip(tr("A TI preset sets the observers and the repairs it includes; the repairs ticked "
                            "below are added"));
    setTexts(m_equalize, tr("Cross-layer &equalization"),
             tr("Balances the channel ranges of conv→[relu]→conv and conv→depthwise→conv chains; "
                "the float output stays the same"));
    setTexts(m_absorb, tr("absorb high biases"),
             tr("Moves c = max(0, β − 3|γ|) through a ReLU into the next layer"));
    setTexts(m_clipping, tr("&Weight clipping (TI rule)"),
             tr("When max|W| > 15 and max|W| > 16·median|W|, clip to ±0.9375·2^ceil(log2(min(max|W|, "
                "16·median|W|)))"));
    setTexts(m_bias, tr("&Bias correction"),
             tr("Per output channel b −= mean of (y_q − y_fp), layer by layer in graph order"));
    m_biasFlavour->setItemText(0, tr("empirical"));
    m_biasFlavour->setItemText(1, tr("TI per batch"));
    setTexts(m_planSearch, tr("Accuracy-driven &plan search"),
             tr("Per point, the compare-pass observer with the lowest error of the model's output "
                "(needs a calibration with the compare pass)"));
    setTexts(m_adaround, tr("&AdaRound, iterations per layer:"),
             tr("Learns per weight whether to round up or down so that each layer's output matches "
                "the float layer's"));
    m_budget->setText(tr("Fallback &budget, top-1 points:"));
    m_batchesLabel->setText(tr("Calibration batches:"));
    m_batches->setSpecialValueText(tr("all"));
    m_batches->setToolTip(tr("Batches of the calibration data the repairs measure on"));
    m_run->setText(tr("&Run repairs"));
    m_cancel->setText(tr("Cancel"));
    m_recordsLabel->setText(tr("Repairs of this calibration, in the order applied:"));
    updateEnabled();
}

void RepairPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void RepairPanel::setPresets(const QStringList& names, const QStringList& descriptions)
{
    m_presetNames = names;
    m_presetDescriptions = descriptions;
    retranslateUi();
}

RepairChoice RepairPanel::choice() const
{
    RepairChoice c;
    c.preset = m_preset->currentData().toString().toStdString();
    c.equalize = m_equalize->isChecked();
    c.absorbHighBias = m_absorb->isChecked();
    c.weightClipping = m_clipping->isChecked();
    c.biasCorrection = m_bias->isChecked();
    c.tiBiasFlavour = m_biasFlavour->currentData().toBool();
    c.planSearch = m_planSearch->isChecked();
    c.adaround = m_adaround->isChecked();
    c.adaroundIterations = m_iterations->value();
    c.budget = m_budget->isChecked() && m_budgetAvailable;
    c.budgetPoints = m_budgetPoints->value();
    c.batches = m_batches->value();
    return c;
}

void RepairPanel::setChoice(const RepairChoice& c)
{
    const int preset = m_preset->findData(QString::fromStdString(c.preset));
    m_preset->setCurrentIndex(std::max(preset, 0));
    m_equalize->setChecked(c.equalize);
    m_absorb->setChecked(c.absorbHighBias);
    m_clipping->setChecked(c.weightClipping);
    m_bias->setChecked(c.biasCorrection);
    m_biasFlavour->setCurrentIndex(c.tiBiasFlavour ? 1 : 0);
    m_planSearch->setChecked(c.planSearch);
    m_adaround->setChecked(c.adaround);
    m_iterations->setValue(c.adaroundIterations);
    m_budget->setChecked(c.budget);
    m_budgetPoints->setValue(c.budgetPoints);
    if (c.batches != 0)
        m_batches->setValue(c.batches);
    updateEnabled();
}

void RepairPanel::setBudgetAvailable(bool available, const QString& reason)
{
    m_budgetAvailable = available;
    m_budgetReason = reason;
    updateEnabled();
}

void RepairPanel::setCalibrationBatches(int batches) { m_batches->setValue(batches == 0 ? -1 : batches); }

void RepairPanel::setRepairable(bool repairable)
{
    m_repairable = repairable;
    updateEnabled();
}

void RepairPanel::updateEnabled()
{
    const bool editable = !m_running;
    for (QWidget* w : std::initializer_list<QWidget*>{m_preset, m_equalize, m_clipping, m_bias, m_planSearch,
                                                      m_adaround, m_batches})
        w->setEnabled(editable);
    m_absorb->setEnabled(editable && m_equalize->isChecked());
    m_biasFlavour->setEnabled(editable && m_bias->isChecked());
    m_iterations->setEnabled(editable && m_adaround->isChecked());
    m_budget->setEnabled(editable && m_budgetAvailable);
    m_budget->setToolTip(m_budgetAvailable ? tr("Keeps the fewest points in float so that top-1 on the labelled "
                                                "validation data is at most this far below float")
                                           : m_budgetReason);
    m_budgetPoints->setEnabled(editable && m_budgetAvailable && m_budget->isChecked());
    m_run->setEnabled(editable && m_repairable && choice().any());
    m_cancel->setEnabled(m_running);
}

void RepairPanel::setRunning(bool running)
{
    m_running = running;
    if (running) {
        m_progressText->setText(tr("Repairing…"));
        m_progress->setRange(0, 0); // busy until the first report
    } else {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        m_progress->setTextVisible(false);
    }
    updateEnabled();
}

void RepairPanel::setProgress(const QString& text, qint64 done, qint64 total)
{
    m_progressText->setText(text);
    if (total > 0) {
        // A bar counts in int: scale large totals down.
        const double fraction = std::clamp(double(done) / double(total), 0.0, 1.0);
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(fraction * 1000.0));
        m_progress->setTextVisible(true);
    } else {
        m_progress->setRange(0, 0);
    }
}

} // namespace cs::ui

#include "gui/export_dialog.h"

#include "gui/file_dialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace cs::app {

ExportDialog::ExportDialog(const QString& basePath, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Export"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Files that PyTorch loads without calibscope. Each is written atomically: an "
                                "existing file is replaced only when the new one is complete."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* grid = new QGridLayout;
    m_qconfig = addRow(grid, 0, tr("qconfig JSON"), basePath + QStringLiteral(".qconfig.json"),
                       tr("qconfig JSON (*.json)"), QStringLiteral("json"),
                       tr("Every op's observer, parameters, integer grid and computed scale/zero point; "
                          "import it back or pass it to calibrate --overrides"));
    m_checkpoint = addRow(grid, 1, tr("Checkpoint"), basePath + QStringLiteral(".qparams.pt"),
                          tr("PyTorch checkpoint (*.pt)"), QStringLiteral("pt"),
                          tr("A dict of tensors for model.load_state_dict(torch.load(path), strict=False) on "
                             "an eager-mode QAT model"));
    m_fakeQuant = addRow(grid, 2, tr("Fake-quantized model"), basePath + QStringLiteral(".fakequant.pt"),
                         tr("TorchScript model (*.pt)"), QStringLiteral("pt"),
                         tr("The model with BN-folded fake-quantized weights and fake_quantize at every point; "
                            "torch.jit.load runs it"));
    grid->addWidget(new QLabel(tr("QAT mode")), 3, 0);
    m_qatMode = new QComboBox;
    m_qatMode->addItem(tr("fuse_bn: batch norm folded into the conv"), int(QatMode::FuseBn));
    m_qatMode->addItem(tr("with_bn: batch norm kept after the conv"), int(QatMode::WithBn));
    m_qatMode->addItem(tr("with_bn_reverse_fold: batch norm kept inside PyTorch's ConvBn module"),
                       int(QatMode::WithBnReverseFold));
    m_qatMode->setToolTip(tr("How the QAT model that loads the checkpoint treats a conv followed by batch norm; "
                             "it sets the checkpoint's keys and weight scales, and the fake-quantized model "
                             "computes what that QAT model computes (identical for models without batch norm)"));
    grid->addWidget(m_qatMode, 3, 1, 1, 2);
    layout->addLayout(grid);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(640);
    updateOk();
}

ExportDialog::Row ExportDialog::addRow(QGridLayout* grid, int row, const QString& label, const QString& path,
                                       const QString& filter, const QString& suffix, const QString& tooltip)
{
    Row r;
    r.box = new QCheckBox(label);
    r.box->setChecked(true);
    r.box->setToolTip(tooltip);
    r.edit = new QLineEdit(path);
    auto* browse = new QToolButton;
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(tr("Choose the file"));
    grid->addWidget(r.box, row, 0);
    grid->addWidget(r.edit, row, 1);
    grid->addWidget(browse, row, 2);
    grid->setColumnStretch(1, 1);
    QLineEdit* edit = r.edit;
    QCheckBox* box = r.box;
    connect(browse, &QToolButton::clicked, this, [this, edit, label, filter, suffix] {
        saveFileDialog(this, label, filter, suffix, [edit](const QString& chosen) { edit->setText(chosen); });
    });
    connect(box, &QCheckBox::toggled, edit, &QWidget::setEnabled);
    connect(box, &QCheckBox::toggled, this, &ExportDialog::updateOk);
    connect(edit, &QLineEdit::textChanged, this, &ExportDialog::updateOk);
    return r;
}

void ExportDialog::updateOk()
{
    if (m_ok)
        m_ok->setEnabled(!request().isEmpty());
}

ExportRequest ExportDialog::request() const
{
    const auto path = [](const Row& r) { return r.box->isChecked() ? r.edit->text().trimmed() : QString(); };
    return {path(m_qconfig), path(m_checkpoint), path(m_fakeQuant), QatMode(m_qatMode->currentData().toInt())};
}

} // namespace cs::app

#include "gui/import_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace cs::app {

ImportDialog::ImportDialog(const QString& path, Check check, QWidget* parent)
    : QDialog(parent), m_check(std::move(check)), m_summary(new QLabel), m_values(new QComboBox),
      m_text(new QPlainTextEdit)
{
    setWindowTitle(tr("Import %1").arg(QFileInfo(path).fileName()));
    auto* layout = new QVBoxLayout(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto* form = new QFormLayout;
    m_values->addItem(tr("Recompute from this session's statistics"), int(ImportOptions::Values::Recompute));
    m_values->addItem(tr("Take min/max/scale/zero point from the file"), int(ImportOptions::Values::FromFile));
    m_values->setToolTip(tr("Recompute keeps the numbers consistent with this session's data; the file's values "
                            "reproduce another calibration exactly (like load_observer_params)"));
    form->addRow(tr("Values:"), m_values);
    layout->addLayout(form);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_text, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_apply = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_values, &QComboBox::currentIndexChanged, this, &ImportDialog::recheck);
    resize(760, 480);
    recheck();
}

void ImportDialog::recheck()
{
    ImportOptions options;
    options.values = ImportOptions::Values(m_values->currentData().toInt());
    m_report = m_check(options);
    m_text->setPlainText(QString::fromStdString(m_report.text()));
    const int changes = m_report.count(ImportStatus::Change);
    QString summary = tr("%n change(s) to apply.", nullptr, changes);
    if (m_report.hasProblems())
        summary += QLatin1Char(' ')
                   + tr("The file has problems (listed below): entries that are rejected or name ops this model "
                        "lacks change nothing.");
    if (m_report.modelMismatch)
        summary += QLatin1Char(' ') + tr("It was made for another model file (sha256 differs).");
    m_summary->setText(summary);
    m_apply->setText(m_report.hasProblems() ? tr("Apply anyway") : tr("Apply"));
    m_apply->setEnabled(changes > 0);
}

} // namespace cs::app

#pragma once
#include "core/exchange/overrides.h"

#include <QDialog>

#include <functional>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace cs::app {

// The report of a qconfig import before anything changes: every entry of the file (applied,
// unchanged, rejected with the reason, names the model lacks, a model hash mismatch), and
// the choice between recomputing from the session's statistics and taking the file's values.
// Accepting applies; the session is untouched otherwise.
class ImportDialog : public QDialog {
    Q_OBJECT
public:
    using Check = std::function<ImportReport(const ImportOptions&)>;
    // `check` reads the file again with the chosen options (checkImport).
    ImportDialog(const QString& path, Check check, QWidget* parent = nullptr);

    const ImportReport& report() const { return m_report; }
    QComboBox* valuesCombo() const { return m_values; }
    QPlainTextEdit* reportText() const { return m_text; }
    QPushButton* applyButton() const { return m_apply; }

private:
    void recheck();

    Check m_check;
    ImportReport m_report;
    QLabel* m_summary;
    QComboBox* m_values;
    QPlainTextEdit* m_text;
    QPushButton* m_apply;
};

} // namespace cs::app

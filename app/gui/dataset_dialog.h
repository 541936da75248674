#pragma once
#include "core/dataset/dataset_spec.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cs::app {

// Where the calibration data comes from and how it is preprocessed and batched: the
// DatasetSpec fields, the batch size and the number of batches. Shown with open(), never exec().
class DatasetDialog : public QDialog {
    Q_OBJECT
public:
    explicit DatasetDialog(QWidget* parent = nullptr);

    void setValues(const DatasetSpec& spec, int batchSize, int numBatches);
    // Throws CalibError for what validate() reports.
    DatasetSpec spec() const;
    int batchSize() const;
    int numBatches() const;
    // "" when the fields describe a usable dataset; else the reason, also shown in the dialog.
    QString validate();

private:
    void browse(bool folder);
    PreprocessConfig preprocess() const;

    QComboBox* m_recent;
    QComboBox* m_format;
    QLineEdit* m_path;
    QLineEdit* m_labels;
    QSpinBox* m_start;
    QSpinBox* m_count;
    QCheckBox* m_grayscale;
    QComboBox* m_colorOrder;
    QLineEdit* m_scale; // empty = automatic
    QLineEdit* m_mean;
    QLineEdit* m_std;
    QSpinBox* m_resizeWidth;
    QSpinBox* m_resizeHeight;
    QSpinBox* m_resizeShorter;
    QSpinBox* m_cropWidth;
    QSpinBox* m_cropHeight;
    QSpinBox* m_batchSize;
    QSpinBox* m_numBatches;
    QLabel* m_message;
    QDialogButtonBox* m_buttons;
};

} // namespace cs::app

#pragma once
#include "core/dataset/dataset_spec.h"

#include <QDialog>

#include <optional>

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

    // The preprocessing another file starts with (default: none); the calibration's for the
    // validation data.
    void setNewFilePreprocess(const PreprocessConfig& preprocess) { m_newFilePreprocess = preprocess; }
    // The preprocessing the fields are compared with: a difference is said under them.
    void setReferencePreprocess(const PreprocessConfig& preprocess);
    // Another data file or folder: the fields that belonged to the old one start afresh
    // (format automatic, labels found beside it or none, first sample 0, every sample, the
    // new-file preprocessing), and the file's sample count and shape are shown.
    void chooseData(const QString& path);

    QLineEdit* pathEdit() const { return m_path; }
    QLineEdit* labelsEdit() const { return m_labels; }
    QSpinBox* startBox() const { return m_start; }
    QSpinBox* countBox() const { return m_count; }
    QLineEdit* meanEdit() const { return m_mean; }
    QLineEdit* stdEdit() const { return m_std; }
    QLabel* infoLabel() const { return m_info; }
    QLabel* preprocessNote() const { return m_preprocessNote; }
    // Samples in the chosen data (before first sample/count); -1 when not known.
    qint64 dataSize() const { return m_size; }

private:
    void browse(bool folder);
    PreprocessConfig preprocess() const;
    // Opens the data of the fields to learn its size and sample shape; sets the ranges of
    // first sample and count from it.
    void probe();
    void showPreprocess(const PreprocessConfig& p);
    void updateRanges();
    void updatePreprocessNote();

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
    QLabel* m_info;
    QLabel* m_preprocessNote;
    QDialogButtonBox* m_buttons;
    PreprocessConfig m_newFilePreprocess;
    std::optional<PreprocessConfig> m_reference;
    QString m_probedPath;
    qint64 m_size = -1;
};

// "scale auto, mean 0.286, std 0.353" for messages.
QString preprocessText(const PreprocessConfig& preprocess);

} // namespace cs::app

#pragma once
#include "core/dataset/dataset_spec.h"

#include <QObject>

#include <functional>

class QWidget;

namespace cs::app {

// The data the user chose: the calibration data with its batch size and count, and the
// validation data of the evaluation. The main window shows them and the calibration and
// the analysis page read them; they live here, not in any window.
class DataChoices : public QObject {
    Q_OBJECT
public:
    explicit DataChoices(QObject* parent = nullptr);

    bool hasDataset() const { return m_hasDataset; }
    const DatasetSpec& dataset() const { return m_dataset; }
    int batchSize() const { return m_batchSize; }
    // -1 = all batches.
    int numBatches() const { return m_numBatches; }
    void setDataset(const DatasetSpec& spec, int batchSize, int numBatches);
    // A dataset path with automatic format and default preprocessing, or the preprocessing
    // chosen for the same path last time. Keeps batch size and count.
    void openDataset(const QString& absolutePath);

    bool hasValidation() const { return m_hasValidation; }
    const DatasetSpec& validation() const { return m_validation; }
    void setValidation(const DatasetSpec& spec);

    // File ▸ Open Dataset…: the dataset dialog, filled with the current choice or the last
    // one; accepting it sets the dataset and remembers it. `onError` gets what went wrong.
    void showDatasetDialog(QWidget* parent, const std::function<void(const QString&)>& onError);

Q_SIGNALS:
    void datasetChanged();
    void validationChanged();

private:
    DatasetSpec m_dataset;
    bool m_hasDataset = false;
    int m_batchSize = 32;
    int m_numBatches = 30;
    DatasetSpec m_validation;
    bool m_hasValidation = false;
};

} // namespace cs::app

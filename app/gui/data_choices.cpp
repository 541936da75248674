#include "gui/data_choices.h"

#include "core/errors.h"
#include "core/platform/logging.h"
#include "gui/dataset_dialog.h"
#include "gui/settings.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace cs::app {

DataChoices::DataChoices(QObject* parent) : QObject(parent) {}

void DataChoices::setDataset(const DatasetSpec& spec, int batchSize, int numBatches)
{
    m_dataset = spec;
    m_hasDataset = true;
    m_batchSize = batchSize;
    m_numBatches = numBatches;
    logInfo("Dataset: " + spec.path);
    Q_EMIT datasetChanged();
}

void DataChoices::openDataset(const QString& absolutePath)
{
    DatasetSpec spec;
    spec.path = absolutePath.toStdString();
    // The same data as last time keeps the preprocessing chosen for it then.
    try {
        const QJsonObject last = QJsonDocument::fromJson(settings::lastDataset.value()).object();
        if (!last.isEmpty()) {
            const DatasetSpec previous = DatasetSpec::fromJson(last);
            if (previous.path == spec.path)
                spec = previous;
        }
    } catch (const CalibError&) {
        settings::lastDataset.reset(); // written by another version: forget it
    }
    setDataset(spec, m_batchSize, m_numBatches);
}

void DataChoices::setValidation(const DatasetSpec& spec)
{
    m_validation = spec;
    m_hasValidation = true;
    logInfo("Validation data: " + spec.path);
    Q_EMIT validationChanged();
}

void DataChoices::showDatasetDialog(QWidget* parent, const std::function<void(const QString&)>& onError)
{
    auto* dialog = new DatasetDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_hasDataset) {
        dialog->setValues(m_dataset, m_batchSize, m_numBatches);
    } else {
        // Start from what was used last time.
        const QJsonObject last = QJsonDocument::fromJson(settings::lastDataset.value()).object();
        try {
            if (!last.isEmpty())
                dialog->setValues(DatasetSpec::fromJson(last), settings::batchSize.value(), settings::numBatches.value());
        } catch (const CalibError&) {
            settings::lastDataset.reset(); // written by another version: forget it
        }
    }
    connect(dialog, &QDialog::accepted, this, [this, dialog, onError] {
        try {
            const DatasetSpec spec = dialog->spec();
            setDataset(spec, dialog->batchSize(), dialog->numBatches());
            settings::lastDataset.setValue(QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact));
            settings::batchSize.setValue(dialog->batchSize());
            settings::numBatches.setValue(dialog->numBatches());
            addRecentFile(settings::recentDatasets, QString::fromStdString(spec.path));
        } catch (const CalibError& e) {
            onError(QString::fromStdString(e.what()));
        }
    });
    dialog->open();
}

} // namespace cs::app

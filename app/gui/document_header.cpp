#include "gui/document_header.h"

#include "core/model/op_info.h"
#include "gui/data_choices.h"

#include <QLabel>
#include <QVBoxLayout>

namespace cs::app {

DocumentHeader::DocumentHeader(QWidget* parent) : QWidget(parent)
{
    const auto label = [this](const QString& name) {
        auto* l = new QLabel(this);
        l->setObjectName(name);
        l->setWordWrap(true);
        l->setTextFormat(Qt::PlainText);
        return l;
    };
    m_model = label(QStringLiteral("modelLabel"));
    m_dataset = label(QStringLiteral("datasetLabel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_model);
    layout->addWidget(m_dataset);
}

void DocumentHeader::update(const QString& modelPath, const ModelSummary& s, double demoAccuracy,
                            const DataChoices& data)
{
    if (modelPath.isEmpty()) {
        m_model->setText(tr("No model loaded. Use File ▸ Open Model…, File ▸ Load Demo or File ▸ Open Session…."));
    } else {
        QString text = tr("Model: %1 — %2 ops, %3 activation points, %4 weight points, %5 parameters")
                           .arg(modelPath)
                           .arg(s.ops.size())
                           .arg(s.activationPointCount())
                           .arg(s.weightPointCount())
                           .arg(s.parameterCount);
        if (demoAccuracy >= 0)
            text += QLatin1Char('\n') + tr("Demo: Fashion-MNIST CNN, float test accuracy %1 %").arg(demoAccuracy * 100.0, 0, 'f', 2);
        m_model->setText(text);
    }
    if (!data.hasDataset()) {
        m_dataset->setText(tr("No dataset. Use File ▸ Open Dataset… to choose the calibration data."));
    } else {
        const DatasetSpec& spec = data.dataset();
        const QString count = spec.count < 0 ? tr("all samples") : tr("%1 samples").arg(spec.count);
        const QString batches = data.numBatches() < 0 ? tr("all batches") : tr("%1 batches").arg(data.numBatches());
        m_dataset->setText(tr("Dataset: %1 (%2, from sample %3, %4) · batch size %5, %6")
                               .arg(QString::fromStdString(spec.path), QString::fromStdString(datasetFormatName(spec.format)))
                               .arg(spec.start)
                               .arg(count)
                               .arg(data.batchSize())
                               .arg(batches));
    }
}

} // namespace cs::app

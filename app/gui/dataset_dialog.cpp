#include "gui/dataset_dialog.h"

#include "core/dataset/dataset_source.h"
#include "core/dataset/idx_reader.h"
#include "core/errors.h"
#include "core/model/op_info.h"
#include "gui/file_dialogs.h"
#include "gui/settings.h"
#include "widgets/table_items.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include <climits>

namespace cs::app {

namespace {

QSpinBox* sizeBox(QWidget* parent)
{
    auto* box = new QSpinBox(parent);
    box->setRange(0, 16384);
    box->setSpecialValueText(DatasetDialog::tr("none"));
    return box;
}

QString joinNumbers(const std::vector<double>& values)
{
    QStringList parts;
    for (double v : values)
        parts << QString::number(v, 'g', QLocale::FloatingPointShortest); // round-trips exactly
    return parts.join(QStringLiteral(", "));
}

// "0.485, 0.456 0.406" → three numbers; throws CalibError naming the field.
std::vector<double> parseNumbers(const QString& text, const char* field)
{
    std::vector<double> out;
    for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.toDouble(&ok);
        if (!ok)
            throw CalibError(std::string("preprocessing ") + field, "'" + part.toStdString() + "' is not a number");
        out.push_back(v);
    }
    return out;
}

} // namespace

QString preprocessText(const PreprocessConfig& p)
{
    QStringList parts;
    parts << (p.scale ? DatasetDialog::tr("scale %1").arg(QString::number(*p.scale, 'g', 6)) : DatasetDialog::tr("scale automatic"));
    parts << DatasetDialog::tr("mean %1").arg(p.mean.empty() ? DatasetDialog::tr("none") : joinNumbers(p.mean));
    parts << DatasetDialog::tr("std %1").arg(p.stddev.empty() ? DatasetDialog::tr("none") : joinNumbers(p.stddev));
    return parts.join(QStringLiteral(", "));
}

DatasetDialog::DatasetDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Calibration dataset"));
    setObjectName(QStringLiteral("datasetDialog"));

    m_recent = new QComboBox(this);
    m_recent->addItem(tr("Recent datasets…"));
    for (const QString& path : settings::recentDatasets.value())
        m_recent->addItem(path, path);
    m_recent->setEnabled(m_recent->count() > 1);
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("datasetFormat"));
    for (auto f : {DatasetFormat::Auto, DatasetFormat::ImageFolder, DatasetFormat::Idx, DatasetFormat::Npy, DatasetFormat::Pt})
        m_format->addItem(QString::fromStdString(datasetFormatName(f)), int(f));
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("datasetPath"));
    m_path->setPlaceholderText(tr("image folder, IDX file, .npy or .pt tensor"));
    auto* file = new QPushButton(tr("File…"), this);
    auto* folder = new QPushButton(tr("Folder…"), this);
    m_labels = new QLineEdit(this);
    m_labels->setPlaceholderText(tr("optional; IDX: found beside the images"));
    m_start = new QSpinBox(this);
    m_start->setRange(0, INT_MAX);
    m_count = new QSpinBox(this);
    m_count->setRange(-1, INT_MAX);
    m_count->setSpecialValueText(tr("all"));
    m_info = ui::makeTextLabel(this, QStringLiteral("datasetInfo"));

    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(file);
    pathRow->addWidget(folder);
    auto* dataBox = new QGroupBox(tr("Data"), this);
    auto* data = new QFormLayout(dataBox);
    data->addRow(m_recent);
    data->addRow(tr("Format:"), m_format);
    data->addRow(tr("Path:"), pathRow);
    data->addRow(QString(), m_info);
    data->addRow(tr("Labels:"), m_labels);
    data->addRow(tr("First sample:"), m_start);
    data->addRow(tr("Samples:"), m_count);

    m_grayscale = new QCheckBox(tr("Decode images as grayscale"), this);
    m_colorOrder = new QComboBox(this);
    m_colorOrder->addItem(QStringLiteral("RGB"), int(ColorOrder::Rgb));
    m_colorOrder->addItem(QStringLiteral("BGR"), int(ColorOrder::Bgr));
    // Text, not a spin box: 1/255 must survive the dialog exactly.
    m_scale = new QLineEdit(this);
    m_scale->setPlaceholderText(tr("automatic (1/255 for 8-bit data)"));
    m_mean = new QLineEdit(this);
    m_mean->setPlaceholderText(tr("e.g. 0.485, 0.456, 0.406"));
    m_std = new QLineEdit(this);
    m_std->setPlaceholderText(tr("e.g. 0.229, 0.224, 0.225"));
    m_resizeWidth = sizeBox(this);
    m_resizeHeight = sizeBox(this);
    m_resizeShorter = sizeBox(this);
    m_cropWidth = sizeBox(this);
    m_cropHeight = sizeBox(this);
    const auto pair = [this](QSpinBox* a, QSpinBox* b) {
        auto* row = new QHBoxLayout;
        row->addWidget(a);
        row->addWidget(new QLabel(QStringLiteral("×"), this));
        row->addWidget(b);
        row->addStretch(1);
        return row;
    };
    auto* preBox = new QGroupBox(tr("Preprocessing"), this);
    auto* pre = new QFormLayout(preBox);
    pre->addRow(m_grayscale);
    pre->addRow(tr("Colour order:"), m_colorOrder);
    pre->addRow(tr("Resize to:"), pair(m_resizeWidth, m_resizeHeight));
    pre->addRow(tr("Resize shorter side:"), m_resizeShorter);
    pre->addRow(tr("Center crop:"), pair(m_cropWidth, m_cropHeight));
    pre->addRow(tr("Scale:"), m_scale);
    pre->addRow(tr("Mean:"), m_mean);
    pre->addRow(tr("Std:"), m_std);
    m_preprocessNote = ui::makeTextLabel(this, QStringLiteral("preprocessNote"));
    m_preprocessNote->hide();
    pre->addRow(m_preprocessNote);

    m_batchSize = new QSpinBox(this);
    m_batchSize->setObjectName(QStringLiteral("batchSize"));
    m_batchSize->setRange(1, 4096);
    m_numBatches = new QSpinBox(this);
    m_numBatches->setObjectName(QStringLiteral("numBatches"));
    m_numBatches->setRange(-1, INT_MAX);
    m_numBatches->setSpecialValueText(tr("all"));
    auto* runBox = new QGroupBox(tr("Batches"), this);
    auto* run = new QFormLayout(runBox);
    run->addRow(tr("Batch size:"), m_batchSize);
    run->addRow(tr("Number of batches:"), m_numBatches);

    m_message = ui::makeTextLabel(this, QStringLiteral("datasetMessage"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(dataBox);
    layout->addWidget(preBox);
    layout->addWidget(runBox);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (validate().isEmpty())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(file, &QPushButton::clicked, this, [this] { browse(false); });
    connect(folder, &QPushButton::clicked, this, [this] { browse(true); });
    connect(m_recent, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            chooseData(m_recent->itemData(index).toString());
        m_recent->setCurrentIndex(0);
    });
    connect(m_path, &QLineEdit::editingFinished, this, [this] {
        if (m_path->text().trimmed() != m_probedPath)
            chooseData(m_path->text().trimmed());
    });
    connect(m_start, &QSpinBox::valueChanged, this, &DatasetDialog::updateRanges);
    for (QLineEdit* edit : {m_scale, m_mean, m_std})
        connect(edit, &QLineEdit::textChanged, this, &DatasetDialog::updatePreprocessNote);
    setValues(DatasetSpec{}, 32, 30);
}

void DatasetDialog::browse(bool folder)
{
    const auto apply = [this](const QString& path) { chooseData(path); };
    if (folder)
        openExistingDirectoryDialog(this, tr("Image folder"), apply);
    else
        openFileDialog(this, tr("Dataset file"),
                       tr("Datasets (*.gz *-ubyte *.idx *.npy *.pt *.pth);;All files (*)"), apply);
}

void DatasetDialog::setValues(const DatasetSpec& spec, int batchSize, int numBatches)
{
    m_format->setCurrentIndex(std::max(0, m_format->findData(int(spec.format))));
    m_path->setText(QString::fromStdString(spec.path));
    m_labels->setText(QString::fromStdString(spec.labelsPath));
    m_start->setValue(int(std::min<int64_t>(spec.start, INT_MAX)));
    m_count->setValue(int(std::clamp<int64_t>(spec.count, -1, INT_MAX)));
    showPreprocess(spec.preprocess);
    m_batchSize->setValue(batchSize);
    m_numBatches->setValue(numBatches == 0 ? 1 : numBatches);
    m_message->clear();
    probe();
    updatePreprocessNote();
}

void DatasetDialog::showPreprocess(const PreprocessConfig& p)
{
    m_grayscale->setChecked(p.grayscale);
    m_colorOrder->setCurrentIndex(m_colorOrder->findData(int(p.colorOrder)));
    m_scale->setText(p.scale ? QString::number(*p.scale, 'g', QLocale::FloatingPointShortest) : QString());
    m_mean->setText(joinNumbers(p.mean));
    m_std->setText(joinNumbers(p.stddev));
    m_resizeWidth->setValue(p.resizeWidth);
    m_resizeHeight->setValue(p.resizeHeight);
    m_resizeShorter->setValue(p.resizeShorter);
    m_cropWidth->setValue(p.cropWidth);
    m_cropHeight->setValue(p.cropHeight);
}

void DatasetDialog::chooseData(const QString& path)
{
    m_path->setText(path);
    m_format->setCurrentIndex(std::max(0, m_format->findData(int(DatasetFormat::Auto))));
    std::string labels;
    try {
        if (detectFormat(path.toStdString()) == DatasetFormat::Idx)
            labels = idxLabelsPathFor(path.toStdString());
    } catch (const CalibError&) {
        // No format known from the name: probe() says why.
    }
    m_labels->setText(QString::fromStdString(labels));
    showPreprocess(m_newFilePreprocess);
    m_start->setMaximum(INT_MAX);
    m_start->setValue(0);
    m_message->clear();
    probe();
    m_count->setValue(m_size > 0 ? int(std::min<qint64>(m_size, INT_MAX)) : -1);
}

void DatasetDialog::probe()
{
    m_size = -1;
    const QString path = m_path->text().trimmed();
    m_probedPath = path;
    if (path.isEmpty()) {
        m_info->clear();
    } else if (QFileInfo(path).isDir()) {
        m_info->setText(tr("Image folder: its images are counted when it is read."));
    } else {
        try {
            DatasetSpec spec;
            spec.format = DatasetFormat(m_format->currentData().toInt());
            spec.path = path.toStdString();
            spec.labelsPath = m_labels->text().trimmed().toStdString();
            spec.preprocess = preprocess();
            const std::unique_ptr<DatasetSource> source = openDataset(spec);
            m_size = source->size();
            m_info->setText((source->hasLabels() ? tr("%1 samples of %2, labelled") : tr("%1 samples of %2, no labels"))
                                .arg(m_size)
                                .arg(QString::fromStdString(shapeToString(source->sampleShape()))));
        } catch (const CalibError& e) {
            m_info->setText(QString::fromStdString(e.what()));
        }
    }
    updateRanges();
}

void DatasetDialog::updateRanges()
{
    // Out-of-range values are refused in place: the boxes cannot leave the file.
    if (m_size > 0) {
        m_start->setMaximum(int(std::min<qint64>(m_size - 1, INT_MAX)));
        m_count->setMaximum(int(std::min<qint64>(m_size - m_start->value(), INT_MAX)));
    } else {
        m_start->setMaximum(INT_MAX);
        m_count->setMaximum(INT_MAX);
    }
}

void DatasetDialog::setReferencePreprocess(const PreprocessConfig& preprocess)
{
    m_reference = preprocess;
    updatePreprocessNote();
}

void DatasetDialog::updatePreprocessNote()
{
    QString note;
    if (m_reference) {
        try {
            const PreprocessConfig current = preprocess();
            if (!(current == *m_reference))
                note = tr("Differs from the calibration data's preprocessing (%1).").arg(preprocessText(*m_reference));
        } catch (const CalibError&) {
            // validate() reports an unreadable field.
        }
    }
    m_preprocessNote->setText(note);
    m_preprocessNote->setVisible(!note.isEmpty());
}

PreprocessConfig DatasetDialog::preprocess() const
{
    PreprocessConfig p;
    p.grayscale = m_grayscale->isChecked();
    p.colorOrder = ColorOrder(m_colorOrder->currentData().toInt());
    if (!m_scale->text().trimmed().isEmpty()) {
        bool ok = false;
        p.scale = m_scale->text().trimmed().toDouble(&ok);
        if (!ok || !(*p.scale > 0))
            throw CalibError("preprocessing scale", "'" + m_scale->text().toStdString() + "' is not a positive number");
    }
    p.mean = parseNumbers(m_mean->text(), "mean");
    p.stddev = parseNumbers(m_std->text(), "std");
    p.resizeWidth = m_resizeWidth->value();
    p.resizeHeight = m_resizeHeight->value();
    p.resizeShorter = m_resizeShorter->value();
    p.cropWidth = m_cropWidth->value();
    p.cropHeight = m_cropHeight->value();
    p.validate();
    return p;
}

DatasetSpec DatasetDialog::spec() const
{
    DatasetSpec spec;
    spec.format = DatasetFormat(m_format->currentData().toInt());
    spec.path = m_path->text().trimmed().toStdString();
    if (spec.path.empty())
        throw CalibError("dataset", "no path given");
    if (!QFileInfo::exists(QString::fromStdString(spec.path)))
        throw CalibError(spec.path, "no such file or folder");
    spec.labelsPath = m_labels->text().trimmed().toStdString();
    spec.start = m_start->value();
    spec.count = m_count->value();
    spec.preprocess = preprocess();
    return spec;
}

int DatasetDialog::batchSize() const { return m_batchSize->value(); }
int DatasetDialog::numBatches() const { return m_numBatches->value() == 0 ? 1 : m_numBatches->value(); }

QString DatasetDialog::validate()
{
    QString error;
    try {
        (void)spec();
    } catch (const CalibError& e) {
        error = QString::fromStdString(e.what());
    }
    m_message->setText(error);
    return error;
}

} // namespace cs::app

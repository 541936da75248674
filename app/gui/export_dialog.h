#pragma once
#include "core/exchange/checkpoint.h"

#include <QDialog>
#include <QString>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLineEdit;
class QPushButton;

namespace cs::app {

// Where File ▸ Export… writes; an empty path = not wanted.
struct ExportRequest {
    QString qconfig;
    QString checkpoint;
    QString fakeQuantModel;
    QatMode qatMode = QatMode::FuseBn; // for the checkpoint and the qconfig's "qat" block
    bool isEmpty() const { return qconfig.isEmpty() && checkpoint.isEmpty() && fakeQuantModel.isEmpty(); }
};

// The three exports (FORMATS.md): qconfig JSON, PyTorch checkpoint, fake-quantized
// TorchScript, each with a check box and a path. `basePath` (a path without suffix, e.g.
// the session's) proposes the file names.
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(const QString& basePath, QWidget* parent = nullptr);

    ExportRequest request() const;

    QCheckBox* qconfigBox() const { return m_qconfig.box; }
    QCheckBox* checkpointBox() const { return m_checkpoint.box; }
    QCheckBox* fakeQuantBox() const { return m_fakeQuant.box; }
    QLineEdit* qconfigEdit() const { return m_qconfig.edit; }
    QLineEdit* checkpointEdit() const { return m_checkpoint.edit; }
    QLineEdit* fakeQuantEdit() const { return m_fakeQuant.edit; }
    QComboBox* qatModeCombo() const { return m_qatMode; }

private:
    struct Row {
        QCheckBox* box = nullptr;
        QLineEdit* edit = nullptr;
    };
    Row addRow(QGridLayout* grid, int row, const QString& label, const QString& path, const QString& filter,
               const QString& suffix, const QString& tooltip);
    void updateOk();

    Row m_qconfig;
    Row m_checkpoint;
    Row m_fakeQuant;
    QComboBox* m_qatMode = nullptr;
    QPushButton* m_ok = nullptr;
};

} // namespace cs::app

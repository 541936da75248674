#pragma once
#include <QWidget>

class QLabel;

namespace cs {
struct ModelSummary;
}

namespace cs::app {

class DataChoices;

// The two lines above the tables: which model is open and which calibration data is chosen.
class DocumentHeader : public QWidget {
    Q_OBJECT
public:
    explicit DocumentHeader(QWidget* parent = nullptr);

    // `demoAccuracy` < 0 when the model is not the demo.
    void update(const QString& modelPath, const ModelSummary& summary, double demoAccuracy, const DataChoices& data);

private:
    QLabel* m_model;
    QLabel* m_dataset;
};

} // namespace cs::app

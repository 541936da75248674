#pragma once
// The Repair page: which repairs to run on the calibration (a TI preset, equalization, weight
// clipping, bias correction, the accuracy-driven plan search, AdaRound, the fallback budget),
// Run and Cancel with the progress, and the repairs the calibration carries. The buttons only
// ask (runRequested / cancelRequested): the owner runs the job and reports back.
#include <QWidget>

#include <string>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace cs::ui {

class RepairRecordsModel;

// What the user chose, in the order the repairs run.
struct RepairChoice {
    std::string preset;            // "" = none
    bool equalize = false;
    bool absorbHighBias = true;
    bool weightClipping = false;
    bool biasCorrection = false;
    bool tiBiasFlavour = false;    // TI's per-batch update instead of the empirical correction
    bool planSearch = false;
    bool adaround = false;
    int adaroundIterations = 400;
    bool budget = false;
    double budgetPoints = 0.5;     // top-1 points below float
    int batches = 0;               // calibration batches measured on; 0 = the calibration's

    // Anything to run at all.
    bool any() const
    {
        return !preset.empty() || equalize || weightClipping || biasCorrection || planSearch || adaround || budget;
    }
};

class RepairPanel : public QWidget {
    Q_OBJECT
public:
    explicit RepairPanel(QWidget* parent = nullptr);

    RepairChoice choice() const;
    void setChoice(const RepairChoice& choice);
    // The presets offered besides "none", with their descriptions as tooltips.
    void setPresets(const QStringList& names, const QStringList& descriptions);
    // The fallback budget needs labelled validation data; `reason` says why it cannot run.
    void setBudgetAvailable(bool available, const QString& reason = {});
    // The calibration's batches: the default of the batches box.
    void setCalibrationBatches(int batches);
    // Something to repair (a calibration, no other job replacing it).
    void setRepairable(bool repairable);

    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    void setProgress(const QString& text, qint64 done, qint64 total);

    RepairRecordsModel* recordsModel() const { return m_records; }
    QTableView* recordsView() const { return m_recordsView; }
    QComboBox* presetBox() const { return m_preset; }
    QCheckBox* equalizeBox() const { return m_equalize; }
    QCheckBox* absorbBox() const { return m_absorb; }
    QCheckBox* clippingBox() const { return m_clipping; }
    QCheckBox* biasBox() const { return m_bias; }
    QComboBox* biasFlavourBox() const { return m_biasFlavour; }
    QCheckBox* planSearchBox() const { return m_planSearch; }
    QCheckBox* adaroundBox() const { return m_adaround; }
    QSpinBox* iterationsBox() const { return m_iterations; }
    QCheckBox* budgetBox() const { return m_budget; }
    QDoubleSpinBox* budgetPointsBox() const { return m_budgetPoints; }
    QSpinBox* batchesBox() const { return m_batches; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* progressText() const { return m_progressText; }

Q_SIGNALS:
    void runRequested();
    void cancelRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void updateEnabled();

    RepairRecordsModel* m_records;
    QTableView* m_recordsView;
    QLabel* m_presetLabel;
    QComboBox* m_preset;
    QLabel* m_intro;
    QCheckBox* m_equalize;
    QCheckBox* m_absorb;
    QCheckBox* m_clipping;
    QCheckBox* m_bias;
    QComboBox* m_biasFlavour;
    QCheckBox* m_planSearch;
    QCheckBox* m_adaround;
    QSpinBox* m_iterations;
    QCheckBox* m_budget;
    QDoubleSpinBox* m_budgetPoints;
    QLabel* m_batchesLabel;
    QSpinBox* m_batches;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QLabel* m_progressText;
    QProgressBar* m_progress;
    QLabel* m_recordsLabel;
    bool m_running = false;
    bool m_repairable = false;
    bool m_budgetAvailable = false;
    QString m_budgetReason;
    QStringList m_presetNames;
    QStringList m_presetDescriptions;
};

} // namespace cs::ui

#pragma once
#include "widgets/evaluation_view.h"

class QCheckBox;
class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QTableWidget;

namespace cs::ui {


// The evaluation's accuracy table (float, the user's plan, the automatic plan, one row per
// observer, the plan before and after its last repair) with a bar chart of the headline metric, and the controls to run an evaluation.
// The buttons only ask (evaluateRequested / cancelRequested): the owner runs the job and
// reports back through setRunning, setProgress and setEvaluation.
class AccuracyView : public EvaluationView {
    Q_OBJECT
public:
    enum Column { Label, Top1, Top5, Agreement, OutputSqnr, Cosine, Delta, ColumnCount };
    // On every numeric item: the raw number (top-1 etc. as fractions, Δ in points, SQNR in dB).
    static constexpr int ValueRole = Qt::UserRole + 1;
    // On the label column: the row's label as in the evaluation ("float", "plan", "auto", …).
    static constexpr int LabelRole = Qt::UserRole + 2;

    explicit AccuracyView(QWidget* parent = nullptr);

    void setEvaluation(const EvaluationResult& evaluation) override;
    void clear() override;

    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    void setProgress(const QString& text, int done, int total);
    // Stale = the plan changed since the evaluation; setStaleness says what changed.
    void setStale(bool stale);
    // 0 = the whole validation set.
    void setMaxImages(int images);
    int maxImages() const;

    // "Float", "Your plan", "Automatic plan", "Before repair", "After: …"; an observer's name as is.
    static QString displayLabel(const std::string& label);

    QTableWidget* table() const { return m_table; }
    QCustomPlot* plot() const { return m_plot; }
    QPushButton* evaluateButton() const { return m_evaluate; }
    QPushButton* cancelButton() const { return m_cancel; }
    QSpinBox* imagesBox() const { return m_images; }
    QCheckBox* sensitivityBox() const { return m_sensitivity; }
    QProgressBar* progressBar() const { return m_progress; }
    QString summaryText() const;
    // Warnings about the evaluation's data, under the summary (the owner knows them: the
    // calibration's preprocessing, the number of classes).
    void setDataNotes(const QStringList& notes);
    QLabel* dataNotes() const { return m_notes; }
    int barCount() const { return m_bars; }

Q_SIGNALS:
    void evaluateRequested(int maxImages, bool sensitivity);
    void cancelRequested();

private:
    void retranslateUi();
    void rebuild();
    void rebuildChart();
    // Below the bars: the value axis with its tick labels and its title.
    static constexpr int kAxisHeight = 60;

    EvaluationResult m_evaluation;
    bool m_running = false;
    int m_bars = 0;

    QLabel* m_imagesLabel;
    QSpinBox* m_images;
    QCheckBox* m_sensitivity;
    QPushButton* m_evaluate;
    QPushButton* m_cancel;
    QLabel* m_progressText;
    QProgressBar* m_progress;
    QWidget* m_progressRow;
    QLabel* m_summary;
    QLabel* m_notes = nullptr;
    QTableWidget* m_table;
    QCustomPlot* m_plot;
    // The chart scrolls once its rows would crowd their labels (see rebuildChart).
    QScrollArea* m_plotScroll;
};

} // namespace cs::ui

#pragma once
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace cs::ui {

// Status-bar progress of a background job: a bar, throughput and time left, and Cancel.
class JobProgress : public QWidget {
    Q_OBJECT
public:
    explicit JobProgress(QWidget* parent = nullptr);

    static constexpr int kOverallSteps = 1000; // the bar's range in overall mode

    // Busy without a known amount of work yet.
    void start(const QString& description);
    // `etaSeconds` < 0 = unknown.
    void setProgress(const QString& stage, qint64 done, qint64 total, double imagesPerSecond, double etaSeconds);
    // A job of several phases as one bar: `fraction` (0..1, < 0 = not known yet) of the whole
    // job, the phase it is in, and the time left of the whole job.
    void setOverallProgress(const QString& phase, double fraction, double etaSeconds);
    void finish();

    QString text() const;
    QProgressBar* bar() const { return m_bar; }
    QPushButton* cancelButton() const { return m_cancel; }

    static QString formatDuration(double seconds);

Q_SIGNALS:
    void cancelRequested();

private:
    QProgressBar* m_bar;
    QLabel* m_label;
    QPushButton* m_cancel;
};

} // namespace cs::ui

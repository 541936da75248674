#pragma once
#include <QString>
#include <QtGlobal>

namespace cs::app {

// One overall progress over the phases of an evaluation, which the job reports each with its
// own counter: "evaluating" (every batch through the float and the quantized model), then
// "accuracy table" and "sensitivity" (one quantized pass of every batch per row or point,
// sharing one counter). Phases are weighted by their cost per step, the fraction never goes
// back, and the time left follows from the overall rate since the first known fraction.
class EvaluationProgress {
public:
    // One step of the first phase costs this many steps of the later ones (a float and a
    // quantized forward with taps, against one quantized forward).
    static constexpr double kEvaluateStepCost = 2.0;

    enum class Phase { Preparing, Evaluating, AccuracyTable, Sensitivity };
    static constexpr int kPhaseCount = 3; // the phases with steps: Evaluating, AccuracyTable, Sensitivity

    struct Overall {
        Phase phase = Phase::Preparing;
        QString stage;            // as the job named it
        double fraction = -1;     // 0..1; < 0 = not known yet
        double etaSeconds = -1;   // < 0 = not known yet
    };

    // `expectedLaterPasses`: the passes over the data after the first phase, as far as the
    // plan tells in advance (accuracy rows + points ranked); the job's own total replaces it.
    void start(qint64 expectedLaterPasses, double nowSeconds);
    Overall update(const QString& stage, qint64 done, qint64 total, double nowSeconds);
    const Overall& current() const { return m_current; }

private:
    qint64 m_expectedLaterPasses = 0;
    qint64 m_batches = 0;
    qint64 m_evaluated = 0;
    qint64 m_laterDone = 0;
    qint64 m_laterTotal = 0;
    double m_startedAt = -1;     // time of the first known fraction
    double m_startFraction = 0;
    Overall m_current;
};

} // namespace cs::app

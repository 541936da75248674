#include "gui/evaluation_progress.h"

#include <algorithm>

namespace cs::app {

void EvaluationProgress::start(qint64 expectedLaterPasses, double nowSeconds)
{
    *this = EvaluationProgress{};
    m_expectedLaterPasses = std::max<qint64>(0, expectedLaterPasses);
    Q_UNUSED(nowSeconds);
}

EvaluationProgress::Overall EvaluationProgress::update(const QString& stage, qint64 done, qint64 total,
                                                       double nowSeconds)
{
    m_current.stage = stage;
    if (stage == QLatin1String("evaluating")) {
        m_current.phase = Phase::Evaluating;
        m_batches = total;
        m_evaluated = done;
    } else if (stage == QLatin1String("accuracy table") || stage == QLatin1String("sensitivity")) {
        m_current.phase = stage == QLatin1String("sensitivity") ? Phase::Sensitivity : Phase::AccuracyTable;
        m_evaluated = m_batches;
        m_laterDone = done;
        m_laterTotal = total;
    } else {
        // Opening the data and whatever else precedes the passes: nothing to count yet.
        return m_current;
    }
    if (m_batches <= 0)
        return m_current;
    const double laterTotal = m_laterTotal > 0 ? double(m_laterTotal) : double(m_expectedLaterPasses * m_batches);
    const double all = kEvaluateStepCost * double(m_batches) + laterTotal;
    const double doneUnits = kEvaluateStepCost * double(m_evaluated) + double(m_laterDone);
    const double fraction = std::clamp(all > 0 ? doneUnits / all : 1.0, 0.0, 1.0);
    // A corrected estimate of the later passes must not move the bar back.
    m_current.fraction = std::max(m_current.fraction, fraction);
    if (m_startedAt < 0) {
        m_startedAt = nowSeconds;
        m_startFraction = m_current.fraction;
    }
    const double elapsed = nowSeconds - m_startedAt;
    const double gained = m_current.fraction - m_startFraction;
    if (m_current.fraction >= 1.0)
        m_current.etaSeconds = 0;
    else if (elapsed >= 0.5 && gained > 0)
        m_current.etaSeconds = (1.0 - m_current.fraction) * elapsed / gained;
    return m_current;
}

} // namespace cs::app

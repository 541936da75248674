#pragma once
#include "core/evaluation.h"
#include "widgets/stale_banner.h"

#include <QWidget>

namespace cs::ui {

// What the views of one evaluation share (accuracy, sensitivity, error propagation): each
// shows a whole evaluation or none, under the banner that says when the evaluation no longer
// describes the plan or the data.
class EvaluationView : public QWidget {
    Q_OBJECT
public:
    virtual void setEvaluation(const EvaluationResult& evaluation) = 0;
    // No evaluation again, and no banner.
    virtual void clear() = 0;
    bool hasEvaluation() const { return m_hasEvaluation; }

    void setStaleness(Staleness staleness);
    bool isStale() const { return m_banner->isStale(); }
    QLabel* staleBanner() const { return m_banner; }

protected:
    // The banner is the view's first child, named `bannerName` (tests find it by name).
    EvaluationView(const QString& bannerName, QWidget* parent);

    StaleBanner* m_banner;
    bool m_hasEvaluation = false;
};

} // namespace cs::ui

#pragma once
#include <QLabel>

namespace cs::ui {

// Why an evaluation no longer describes what is on screen.
enum class Staleness {
    Current,      // it does: no banner
    PlanChanged,  // the plan was edited since
    DataChanged,  // the validation data (or its preprocessing) was changed since
};

// The warning strip above an evaluation view whose numbers are out of date: hidden while the
// evaluation is current, otherwise saying what changed and that evaluating again helps.
class StaleBanner : public QLabel {
    Q_OBJECT
public:
    explicit StaleBanner(const QString& objectName, QWidget* parent = nullptr);

    void setStaleness(Staleness staleness);
    Staleness staleness() const { return m_staleness; }
    bool isStale() const { return m_staleness != Staleness::Current; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    Staleness m_staleness = Staleness::Current;
};

} // namespace cs::ui

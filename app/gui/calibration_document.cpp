#include "gui/calibration_document.h"

#include "core/errors.h"
#include "core/evaluation.h"
#include "core/platform/logging.h"
#include "core/session.h"
#include "gui/plan_commands.h"

#include <QThread>
#include <QUndoStack>

namespace cs::app {

namespace {

QStringList toStringList(const std::set<std::string>& names)
{
    QStringList out;
    for (const auto& n : names)
        out << QString::fromStdString(n);
    return out;
}

} // namespace

CalibrationDocument::CalibrationDocument(QObject* parent) : QObject(parent), m_undo(new QUndoStack(this))
{
    connect(m_undo, &QUndoStack::cleanChanged, this, &CalibrationDocument::updateModified);
}

CalibrationDocument::~CalibrationDocument()
{
    // The commands call back into this document; they must go before its members do.
    m_undo->clear();
}

void CalibrationDocument::setResult(CalibrationResult result, bool rerun, ObserverBank bank,
                                    std::shared_ptr<const ui::PointEstimates> estimates)
{
    Q_ASSERT(QThread::currentThread() == thread());
    // A re-run realises edits: the last evaluation still describes the plan it measured.
    if (rerun && m_result && !result.evaluation)
        result.evaluation = m_result->evaluation;
    m_result = std::make_shared<CalibrationResult>(std::move(result));
    m_bank = std::move(bank);
    m_estimates = std::move(estimates);
    if (!rerun) {
        ++m_documentId;
        m_wanted.clear();
        m_triedRerun.clear();
        m_undo->clear();
        m_resultUnsaved = true;
    }
    m_pending.clear();
    touch();
    Q_EMIT resultReplaced();
    m_estimates.reset(); // handed over: edits make the result differ from what they describe
    std::set<std::string> names;
    for (const auto& [name, config] : m_wanted)
        names.insert(name);
    reconcile(names);
    updateModified();
}

void CalibrationDocument::clear()
{
    ++m_documentId;
    m_result.reset();
    m_bank = ObserverBank();
    m_estimates.reset();
    m_wanted.clear();
    m_pending.clear();
    m_triedRerun.clear();
    m_undo->clear();
    m_resultUnsaved = false;
    setSessionPath({});
    touch();
    Q_EMIT resultReplaced();
    updateModified();
}

void CalibrationDocument::setSessionPath(const QString& path)
{
    if (path == m_sessionPath)
        return;
    m_sessionPath = path;
    Q_EMIT sessionPathChanged(path);
}

void CalibrationDocument::markSaved(quint64 generation)
{
    if (generation != m_generation)
        return; // edited while the file was being written: still modified
    m_resultUnsaved = false;
    m_undo->setClean();
    updateModified();
}

void CalibrationDocument::markUnsaved()
{
    m_resultUnsaved = true;
    updateModified();
}

bool CalibrationDocument::isModified() const { return m_result && (m_resultUnsaved || !m_undo->isClean()); }

void CalibrationDocument::touch() { ++m_generation; }

void CalibrationDocument::updateModified()
{
    const bool modified = isModified();
    if (modified != m_lastModified) {
        m_lastModified = modified;
        Q_EMIT modifiedChanged(modified);
    }
}

ObserverConfig CalibrationDocument::wantedConfig(const std::string& point) const
{
    const auto it = m_wanted.find(point);
    if (it != m_wanted.end())
        return it->second;
    if (m_result)
        if (const PointCalibration* p = m_result->point(point))
            return p->config;
    return defaultActivationConfig();
}

void CalibrationDocument::editPoints(const std::map<std::string, ObserverConfig>& configs, const QString& description)
{
    if (!m_result || configs.empty())
        return;
    std::map<std::string, ObserverConfig> before, after;
    for (const auto& [name, config] : configs) {
        if (!m_result->point(name))
            continue;
        const ObserverConfig old = wantedConfig(name);
        if (old == config)
            continue;
        before[name] = old;
        after[name] = config;
    }
    if (after.empty())
        return;
    m_undo->push(new PlanEditCommand(this, std::move(before), std::move(after), description));
}

void CalibrationDocument::applyConfigs(const std::map<std::string, ObserverConfig>& configs)
{
    if (!m_result)
        return;
    std::set<std::string> names;
    for (const auto& [name, config] : configs) {
        m_wanted[name] = config;
        m_triedRerun.erase(name); // a new wish deserves a new re-run
        names.insert(name);
    }
    touch();
    reconcile(names);
    updateModified();
}

void CalibrationDocument::reconcile(const std::set<std::string>& points)
{
    std::set<std::string> changed;
    const std::set<std::string> pendingBefore = m_pending;
    std::vector<std::string> abandoned;
    for (const std::string& name : points) {
        const auto wanted = m_wanted.find(name);
        const PointCalibration* point = m_result->point(name);
        if (wanted == m_wanted.end() || !point)
            continue;
        if (point->config == wanted->second) {
            m_pending.erase(name);
            m_triedRerun.erase(name);
            changed.insert(name);
            continue;
        }
        RetuneOutcome outcome = RetuneOutcome::NoObserver;
        try {
            outcome = applyPointConfig(*m_result, m_bank, name, wanted->second);
        } catch (const CalibError& e) {
            Q_EMIT editFailed(QString::fromStdString(e.what()));
            m_wanted.erase(wanted);
            m_pending.erase(name);
            changed.insert(name);
            continue;
        }
        switch (outcome) {
        case RetuneOutcome::Recomputed:
            m_pending.erase(name);
            m_triedRerun.erase(name);
            changed.insert(name);
            break;
        case RetuneOutcome::NeedsData:
            if (m_triedRerun.count(name)) {
                // A re-run with this configuration came back without it: do not loop.
                abandoned.push_back(name);
                m_pending.erase(name);
            } else {
                m_pending.insert(name);
            }
            break;
        case RetuneOutcome::NoObserver:
            m_wanted.erase(wanted);
            m_pending.erase(name);
            break;
        }
    }
    for (const auto& name : abandoned)
        logWarning("point " + name + ": the re-run did not realise its configuration; edit it again to retry");
    if (!changed.empty())
        Q_EMIT pointsChanged(toStringList(changed));
    if (m_pending != pendingBefore)
        Q_EMIT pendingChanged(toStringList(m_pending));
    bool newRequest = false;
    for (const auto& name : m_pending)
        newRequest = m_triedRerun.insert(name).second || newRequest;
    if (newRequest)
        Q_EMIT rerunNeeded();
}

std::shared_ptr<const EvaluationResult> CalibrationDocument::evaluation() const
{
    return m_result ? m_result->evaluation : nullptr;
}

void CalibrationDocument::setEvaluation(std::shared_ptr<const EvaluationResult> evaluation)
{
    if (!m_result)
        return;
    m_result->evaluation = std::move(evaluation);
    // Part of the session: saving is worth it now.
    touch();
    m_resultUnsaved = true;
    updateModified();
    Q_EMIT evaluationChanged();
}

bool CalibrationDocument::isEvaluationCurrent() const { return m_result && evaluationIsCurrent(*m_result); }

void CalibrationDocument::replacePlan(CalibrationResult next, ObserverBank nextBank, const QString& description)
{
    if (!m_result)
        return;
    next.evaluation = m_result->evaluation;
    m_undo->push(new PlanReplaceCommand(this, *m_result, m_bank.clone(), std::move(next), std::move(nextBank),
                                        description));
}

void CalibrationDocument::restorePlan(const CalibrationResult& snapshot, const ObserverBank& bank)
{
    restore(snapshot, bank, false);
}

void CalibrationDocument::restoreSnapshot(const CalibrationResult& snapshot, const ObserverBank& bank)
{
    restore(snapshot, bank, true);
}

void CalibrationDocument::restore(const CalibrationResult& snapshot, const ObserverBank& bank, bool withEvaluation)
{
    Q_ASSERT(QThread::currentThread() == thread());
    auto evaluation = m_result ? m_result->evaluation : nullptr;
    m_result = std::make_shared<CalibrationResult>(snapshot);
    if (!withEvaluation)
        m_result->evaluation = std::move(evaluation);
    m_bank = bank.clone(); // the command's snapshot stays as it was for the next undo/redo
    m_estimates.reset();
    // The snapshot's configurations are the plan now; nothing is waiting for data.
    m_wanted.clear();
    m_triedRerun.clear();
    const bool hadPending = !m_pending.empty();
    m_pending.clear();
    touch();
    Q_EMIT resultReplaced();
    if (hadPending)
        Q_EMIT pendingChanged({});
    Q_EMIT evaluationChanged();
    updateModified();
}

QStringList CalibrationDocument::pendingPoints() const { return toStringList(m_pending); }

CalibrationConfig CalibrationDocument::rerunConfig() const
{
    CalibrationConfig config = m_result ? m_result->config : CalibrationConfig{};
    if (!m_result)
        return config;
    config.overrides = currentOverrides(*m_result);
    for (const auto& [name, wanted] : m_wanted) {
        if (wanted == config.activation)
            config.overrides.erase(name);
        else
            config.overrides[name] = wanted;
    }
    // Compare mode keeps every later observer switch instant.
    config.compareObservers = true;
    return config;
}

void CalibrationDocument::rerunAbandoned()
{
    if (m_pending.empty())
        return;
    m_pending.clear();
    Q_EMIT pendingChanged({});
}

} // namespace cs::app

#include "core/session/session_merge.h"

#include "core/errors.h"
#include "core/session/observer_bank.h"
#include "core/session/observer_bank_state.h"
#include "core/session/observer_config_json_p.h"
#include "core/session/observer_state_merge.h"

#include <QJsonDocument>

#include <map>
#include <stdexcept>

namespace cs {
namespace {

std::string describe(const ObserverConfig& c)
{
    return QJsonDocument(observerConfigToJson(c)).toJson(QJsonDocument::Compact).toStdString();
}

std::string shardText(const DatasetSpec& d)
{
    std::string text = d.path;
    if (d.start > 0 || d.count >= 0)
        text += " [" + std::to_string(d.start) + ", " + (d.count >= 0 ? std::to_string(d.start + d.count) : "end") + ")";
    return text;
}

// Throws naming the first way `b` differs from `a` in what the merge needs to be the same.
void checkCompatible(const CalibrationResult& a, const std::string& aLabel, const CalibrationResult& b,
                     const std::string& bLabel)
{
    auto fail = [&](const std::string& what) { throw CalibError(bLabel, "cannot be merged with " + aLabel + ": " + what); };
    if (a.model.sha256 != b.model.sha256)
        fail("another model (sha256 " + b.model.sha256.substr(0, 12) + " vs " + a.model.sha256.substr(0, 12) + ")");
    if (a.config.mode != b.config.mode)
        fail("another point mode (deployment vs per-op)");
    // Shards observed with different repaired parameters saw different models.
    if (a.config.parameters != b.config.parameters)
        fail("other repaired parameters (repair the merged session instead)");
    if (a.config.histogramBins != b.config.histogramBins)
        fail("histogram bins differ (" + std::to_string(b.config.histogramBins) + " vs "
             + std::to_string(a.config.histogramBins) + ")");
    if (a.config.compareObservers != b.config.compareObservers)
        fail(std::string("compare observers were ") + (b.config.compareObservers ? "run" : "not run") + " in it, "
             + (a.config.compareObservers ? "run" : "not run") + " in " + aLabel);
    if (a.config.data.preprocess != b.config.data.preprocess)
        fail("its preprocessing differs, so its statistics describe other values");
    if (a.points.size() != b.points.size())
        fail(std::to_string(b.points.size()) + " quantization points instead of " + std::to_string(a.points.size()));
    for (size_t i = 0; i < a.points.size(); ++i) {
        const PointCalibration& p = a.points[i];
        const PointCalibration& q = b.points[i];
        if (p.name != q.name || p.opIndex != q.opIndex)
            fail("point " + std::to_string(i + 1) + " is " + q.name + ", not " + p.name);
        if (p.config != q.config)
            fail("point " + p.name + " uses " + describe(q.config) + ", not " + describe(p.config));
        if (p.stats.batches.size() != 0 && q.stats.batches.size() != 0 && !p.stats.batches.front().absHistogram.empty()
            && !q.stats.batches.front().absHistogram.empty()
            && p.stats.batches.front().absHistogram.size() != q.stats.batches.front().absHistogram.size())
            fail("point " + p.name + " has per-batch histograms of another size");
        bool sameCompare = p.compare.size() == q.compare.size();
        for (const auto& [name, unused] : p.compare)
            sameCompare = sameCompare && q.compare.count(name);
        if (!sameCompare)
            fail("point " + p.name + " was compared with other observers");
    }
    if (a.weights.size() != b.weights.size())
        fail(std::to_string(b.weights.size()) + " weight points instead of " + std::to_string(a.weights.size()));
    for (size_t i = 0; i < a.weights.size(); ++i) {
        const WeightCalibration& w = a.weights[i];
        const WeightCalibration& v = b.weights[i];
        if (w.name != v.name)
            fail("weight point " + std::to_string(i + 1) + " is " + v.name + ", not " + w.name);
        if (w.config != v.config)
            fail("the weight of " + w.name + " uses " + describe(v.config) + ", not " + describe(w.config));
        if (w.shape != v.shape || w.folded.min != v.folded.min || w.folded.max != v.folded.max
            || w.unfolded.min != v.unfolded.min || w.unfolded.max != v.unfolded.max)
            fail("the weight ranges of " + w.name + " differ (not the same weights)");
    }
}

// One point's statistics over every shard, in order.
PointStatistics mergeStatistics(const std::vector<const PointStatistics*>& stats, const std::vector<std::string>& labels,
                                const std::string& point, bool& exactHistogram)
{
    PointStatistics merged;
    size_t shard = 0; // the shard whose histogram is being read, for the error
    try {
        AccumulatedHistogram histogram = AccumulatedHistogram::fromData(stats.front()->histogram);
        for (size_t i = 0; i < stats.size(); ++i) {
            shard = i;
            merged.batches.insert(merged.batches.end(), stats[i]->batches.begin(), stats[i]->batches.end());
            if (i > 0 && stats[i]->hasData())
                exactHistogram = histogram.merge(stats[i]->histogram, stats[i]->min, stats[i]->max) && exactHistogram;
        }
        merged.histogram = histogram.data();
    } catch (const std::invalid_argument& e) {
        throw CalibError(labels.at(std::min(shard, labels.size() - 1)),
                         "corrupt session (histogram of point " + point + ": " + e.what() + ")");
    }
    merged.shape = stats.back()->shape;
    merged.computeTotals();
    return merged;
}

struct ObserverOutcome {
    std::unique_ptr<obs::Observer> observer; // null: not merged
    std::string why;
    std::string caveat;
};

ObserverOutcome mergeObservers(const std::vector<const obs::Observer*>& observers, const std::vector<std::string>& labels)
{
    ObserverOutcome out;
    std::vector<obs::ObserverState> states;
    for (size_t i = 0; i < observers.size(); ++i) {
        if (!observers[i]) {
            out.why = labels[i] + " holds no observer state (saved by an older calibscope, or not restorable)";
            return out;
        }
        states.push_back(observers[i]->saveState());
    }
    StateMerge m = mergeObserverStates(states);
    if (!m.state) {
        out.why = m.why;
        return out;
    }
    try {
        out.observer = restoreObserver(*m.state);
    } catch (const std::exception& e) { // the merged state does not load: report, never guess
        out.why = std::string("the merged state does not load (") + e.what() + ")";
        return out;
    }
    out.caveat = m.caveat;
    return out;
}

const ObserverBank::Point* bankPoint(const ObserverBank* bank, const std::string& name)
{
    if (!bank)
        return nullptr;
    auto it = bank->points.find(name);
    return it == bank->points.end() ? nullptr : &it->second;
}

} // namespace

CalibrationResult mergeSessions(const std::vector<CalibrationResult>& sessions,
                                const std::vector<const ObserverBank*>& sessionBanks, ObserverBank* mergedBank,
                                std::vector<std::string>* notesOut, const std::vector<std::string>& labelsIn)
{
    if (sessions.size() < 2)
        throw CalibError("merge", "needs at least two sessions");
    std::vector<std::string> labels = labelsIn;
    for (size_t i = labels.size(); i < sessions.size(); ++i)
        labels.push_back("session " + std::to_string(i + 1));
    const CalibrationResult& first = sessions.front();
    for (size_t i = 1; i < sessions.size(); ++i)
        checkCompatible(first, labels.front(), sessions[i], labels[i]);

    CalibrationResult r;
    r.model = first.model;
    r.config = first.config;
    r.weights = first.weights; // equal in every session (checked)
    ObserverBank bank;
    std::vector<std::string> notes;
    std::map<std::string, std::string> reasons; // observer -> why it could not be merged
    std::vector<std::string> pointNotes;
    int approximateHistograms = 0;

    for (size_t i = 0; i < first.points.size(); ++i) {
        PointCalibration p = first.points[i];
        std::vector<const PointStatistics*> stats;
        for (const auto& s : sessions)
            stats.push_back(&s.points[i].stats);
        bool exact = true;
        p.stats = mergeStatistics(stats, labels, p.name, exact);
        approximateHistograms += exact ? 0 : 1;

        std::vector<const ObserverBank::Point*> banks;
        for (size_t s = 0; s < sessions.size(); ++s)
            banks.push_back(bankPoint(s < sessionBanks.size() ? sessionBanks[s] : nullptr, p.name));
        // Compare observers a reopened session still keeps saved; one that does not restore
        // is left out like one that cannot be merged.
        std::vector<std::map<std::string, std::unique_ptr<obs::Observer>>> restored(banks.size());
        for (size_t s = 0; s < banks.size(); ++s)
            if (banks[s] && banks[s]->savedCompare) {
                try {
                    restored[s] = banks[s]->savedCompare->restore();
                } catch (const std::invalid_argument&) {
                }
            }
        ObserverBank::Point merged;
        merged.compareSpec = banks.front() ? banks.front()->compareSpec : p.config.spec;

        std::vector<const obs::Observer*> configured;
        for (const auto* b : banks)
            configured.push_back(b ? b->configured.get() : nullptr);
        ObserverOutcome c = mergeObservers(configured, labels);
        if (c.observer) {
            p.result = c.observer->result();
            merged.configured = std::move(c.observer);
            if (!c.caveat.empty())
                pointNotes.push_back("point " + p.name + ": " + p.config.name + ": " + c.caveat);
        } else {
            reasons.emplace(p.config.name, c.why);
            pointNotes.push_back("point " + p.name + ": its observer " + p.config.name + " could not be merged; its "
                                 "clip range is " + labels.front() + "'s alone (calibrate on all shards in one run "
                                 "for the combined range)");
            if (configured.front())
                merged.configured = configured.front()->clone();
        }

        std::vector<std::string> dropped;
        for (auto it = p.compare.begin(); it != p.compare.end();) {
            std::vector<const obs::Observer*> compare;
            for (size_t s = 0; s < banks.size(); ++s) {
                const obs::Observer* o = nullptr;
                if (const auto* b = banks[s]) {
                    if (auto found = b->compare.find(it->first); found != b->compare.end())
                        o = found->second.get();
                    else if (auto kept = restored[s].find(it->first); kept != restored[s].end())
                        o = kept->second.get();
                }
                compare.push_back(o);
            }
            ObserverOutcome m = mergeObservers(compare, labels);
            if (!m.observer) {
                reasons.emplace(it->first, m.why);
                dropped.push_back(it->first);
                it = p.compare.erase(it);
                continue;
            }
            if (!m.caveat.empty())
                pointNotes.push_back("point " + p.name + ": compare observer " + it->first + ": " + m.caveat);
            it->second = m.observer->result();
            merged.compare[it->first] = std::move(m.observer);
            ++it;
        }
        if (!dropped.empty()) {
            std::string list;
            for (const auto& d : dropped)
                list += (list.empty() ? "" : ", ") + d;
            pointNotes.push_back("point " + p.name + ": compare observer(s) " + list
                                 + " could not be merged and are left out of the comparison");
        }
        if (merged.configured)
            bank.points.emplace(p.name, std::move(merged));
        r.points.push_back(std::move(p));
    }

    for (const auto& [observer, why] : reasons)
        notes.push_back(observer + " cannot be merged: " + why);
    notes.insert(notes.end(), pointNotes.begin(), pointNotes.end());
    if (approximateHistograms > 0)
        notes.push_back(std::to_string(approximateHistograms) + " point(s): the shards' accumulated histograms have "
                        "grids that do not line up; their bins were shared out in proportion to the overlap (totals "
                        "exact, each count placed within one of its original bins)");

    std::string data;
    for (size_t i = 0; i < sessions.size(); ++i) {
        const CalibrationResult& s = sessions[i];
        r.images += s.images;
        r.batches += s.batches;
        r.seconds += s.seconds;
        data += (i ? " + " : "") + shardText(s.config.data);
        for (const auto& w : s.warnings)
            r.warnings.push_back(labels[i] + ": " + w);
    }
    r.imagesPerSecond = r.seconds > 0 ? double(r.images) / r.seconds : 0.0;
    // A description, not a dataset: re-running this configuration needs the shards again.
    r.config.data.path = data;
    r.config.data.labelsPath.clear();
    r.config.data.start = 0;
    r.config.data.count = -1;
    r.config.numBatches = r.batches;
    r.warnings.insert(r.warnings.end(), notes.begin(), notes.end());
    if (notesOut)
        *notesOut = notes;
    if (mergedBank)
        *mergedBank = std::move(bank);
    return r;
}

} // namespace cs

// applyImport: the Change entries of a checked import made real on a calibration result.
#include "core/exchange/overrides.h"

#include "core/errors.h"
#include "core/exchange/qconfig_merge_p.h"
#include "core/session/observer_bank.h"
#include "core/observers/observer_registry.h"

#include <set>

namespace cs {
namespace {

void takeValues(obs::ObserverResult& target, const obs::ObserverResult& values, const std::string& path)
{
    target.min = values.min;
    target.max = values.max;
    target.scale = values.scale;
    target.zeroPoint = values.zeroPoint;
    target.hasStatistics = !values.min.empty();
    target.extras.clear();
    target.warning = "values imported from " + path;
}

void noteRecomputed(ImportEntry& e, const obs::ObserverResult& now)
{
    e.status = ImportStatus::Recomputed;
    if (e.hasValues && !sameValues(now, e.values))
        e.message += "; recomputed from this session's statistics (the file's " + describeValueChange(e.values, now)
                     + " recomputed)";
}

// The file's values replace the point's result.
void useFileValues(obs::ObserverResult& result, ImportEntry& e, const ImportReport& report)
{
    takeValues(result, e.values, report.path);
    e.status = ImportStatus::ValuesFromFile;
}

// A configuration this session's statistics recomputed: the file's values win only when the
// import asks for them.
void settleRecomputed(obs::ObserverResult& result, ImportEntry& e, const ImportReport& report, bool fromFile)
{
    if (fromFile)
        useFileValues(result, e, report);
    else
        noteRecomputed(e, result);
}

// Neither the statistics nor the file can give the values: the entry waits for a new
// calibration, saying why.
void markNeedsData(ImportEntry& e, const std::string& why)
{
    e.status = ImportStatus::NeedsData;
    e.message += "; " + why;
}

// The point of `points` the entry names; when the session has none, the entry is rejected
// naming the `kind` of point it lacks.
template <class Point>
Point* entryPoint(std::vector<Point>& points, ImportEntry& e, const char* kind)
{
    Point* found = nullptr;
    for (auto& candidate : points)
        if (candidate.name == e.op)
            found = &candidate;
    if (!found) {
        e.status = ImportStatus::Rejected;
        e.message = std::string("the session has no ") + kind + " point '" + e.op + "' (a report of another session?)";
    }
    return found;
}

void applyActivation(CalibrationResult& result, ObserverBank& bank, ImportEntry& e, const ImportReport& report)
{
    PointCalibration* p = entryPoint(result.points, e, "activation");
    if (!p)
        return;
    const bool fromFile = report.options.values == ImportOptions::Values::FromFile && e.hasValues;
    RetuneOutcome outcome = RetuneOutcome::Recomputed;
    if (!sameConfig(e.config, p->config)) {
        try {
            outcome = applyPointConfig(result, bank, e.op, e.config);
        } catch (const CalibError& error) {
            e.status = ImportStatus::Rejected;
            e.message = error.what();
            return;
        }
    }
    if (outcome == RetuneOutcome::Recomputed)
        return settleRecomputed(p->result, e, report, fromFile);
    if (!e.hasValues)
        return markNeedsData(e, "the retained statistics cannot serve it and the file has no values: re-run "
                                "calibrate with --overrides " + report.path);
    // The live observer (if any) no longer matches the configuration: drop it, so that a
    // later retune asks for the data instead of recomputing the old observer.
    bank.points.erase(e.op);
    p->config = e.config;
    useFileValues(p->result, e, report);
}

// Observers whose result on one batch depends only on its (per-channel) min and max: the
// weight's retained ranges recompute them exactly.
bool rangeOnlyObserver(const ObserverConfig& c)
{
    static const std::set<std::string> names{"min_max", "running_min_max", "clip", "fixed_scale"};
    return names.count(c.name) && (!c.spec.perChannel() || c.spec.chAxis == 0);
}

bool recomputeWeight(WeightCalibration& w, const ObserverConfig& config)
{
    const ChannelRanges& r = w.folded;
    if (!rangeOnlyObserver(config) || r.min.empty() || r.min.size() != r.max.size())
        return false;
    // Channel c holds exactly its minimum and maximum: the observer sees the same extremes
    // as on the whole weight.
    std::vector<float> data;
    for (size_t c = 0; c < r.min.size(); ++c) {
        data.push_back(r.min[c]);
        data.push_back(r.max[c]);
    }
    auto observer = obs::createObserver(config.name, config.params, config.spec);
    observer->observe(obs::TensorView(data.data(), {static_cast<int64_t>(r.min.size()), 2}));
    w.result = observer->result();
    return true;
}

void applyWeight(CalibrationResult& result, ImportEntry& e, const ImportReport& report)
{
    WeightCalibration* w = entryPoint(result.weights, e, "weight");
    if (!w)
        return;
    const bool fromFile = report.options.values == ImportOptions::Values::FromFile && e.hasValues;
    ObserverConfig unchangedGrid = e.config;
    unchangedGrid.keepFloat = w->config.keepFloat;
    const bool onlyKeepFloat = sameConfig(unchangedGrid, w->config);
    bool recomputed = onlyKeepFloat;
    if (!onlyKeepFloat) {
        try {
            recomputed = recomputeWeight(*w, e.config);
        } catch (const std::invalid_argument& error) {
            e.status = ImportStatus::Rejected;
            e.message = error.what();
            return;
        }
    }
    if (recomputed) {
        w->config = e.config;
        return settleRecomputed(w->result, e, report, fromFile);
    }
    if (!e.hasValues)
        return markNeedsData(e, "observer " + e.config.name + " needs the whole weight and the file has no values: "
                                "re-run calibrate");
    w->config = e.config;
    useFileValues(w->result, e, report);
}

} // namespace

ImportReport applyImport(CalibrationResult& result, ObserverBank& bank, const ImportReport& checked)
{
    ImportReport report = checked;
    for (ImportEntry& e : report.entries) {
        if (e.status != ImportStatus::Change)
            continue;
        if (e.point == "activation")
            applyActivation(result, bank, e, report);
        else if (e.point == "weight")
            applyWeight(result, e, report);
    }
    return report;
}

} // namespace cs

#include "core/session/evaluation_cbor_p.h"

#include "core/errors.h"
#include "core/session/cbor_values_p.h"
#include "core/session/observer_config_json_p.h"

#include <QCborArray>
#include <QCborValue>
#include <QJsonObject>


namespace cs {
namespace {

using K = QLatin1String;
using cbor::json;
using cbor::jsonOf;

QString str(const std::string& s) { return QString::fromStdString(s); }
std::string str(const QCborValue& v) { return v.toString().toStdString(); }

// Plain doubles: CBOR encodes them as float64 (or narrower when exact), so every value,
// +inf and NaN included, comes back bit for bit.
double real(const QCborMap& m, const char* key, double fallback = 0)
{
    const QCborValue v = m.value(QLatin1String(key));
    return v.isDouble() || v.isInteger() ? v.toDouble() : fallback;
}

QCborMap pointMetricsToCbor(const PointMetrics& p)
{
    return QCborMap{{K("count"), qint64(p.count)},
                    {K("l2"), p.l2},
                    {K("mse"), p.mse},
                    {K("sqnr_db"), p.sqnrDb},
                    {K("cosine"), p.cosine},
                    {K("max_abs_error"), p.maxAbsError},
                    {K("rmse_over_scale"), p.rmseOverScale},
                    {K("clipped_fraction"), p.clippedFraction},
                    {K("clipping_error"), p.clippingError},
                    {K("rounding_error"), p.roundingError},
                    {K("non_finite"), qint64(p.nonFinite)}};
}

PointMetrics pointMetricsFromCbor(const QCborMap& m)
{
    PointMetrics p;
    p.count = m.value(K("count")).toInteger();
    p.l2 = real(m, "l2");
    p.mse = real(m, "mse");
    p.sqnrDb = real(m, "sqnr_db");
    p.cosine = real(m, "cosine", 1);
    p.maxAbsError = real(m, "max_abs_error");
    p.rmseOverScale = real(m, "rmse_over_scale");
    p.clippedFraction = real(m, "clipped_fraction");
    p.clippingError = real(m, "clipping_error");
    p.roundingError = real(m, "rounding_error");
    p.nonFinite = m.value(K("non_finite")).toInteger();
    return p;
}

QCborMap outputMetricsToCbor(const OutputMetrics& o)
{
    return QCborMap{{K("samples"), qint64(o.samples)},
                    {K("labelled"), qint64(o.labelled)},
                    {K("top1"), o.top1},
                    {K("top5"), o.top5},
                    {K("argmax_agreement"), o.argmaxAgreement},
                    {K("sqnr_db"), o.sqnrDb},
                    {K("cosine"), o.cosine}};
}

OutputMetrics outputMetricsFromCbor(const QCborMap& m)
{
    OutputMetrics o;
    o.samples = m.value(K("samples")).toInteger();
    o.labelled = m.value(K("labelled")).toInteger();
    o.top1 = real(m, "top1");
    o.top5 = real(m, "top5");
    o.argmaxAgreement = real(m, "argmax_agreement");
    o.sqnrDb = real(m, "sqnr_db");
    o.cosine = real(m, "cosine", 1);
    return o;
}


} // namespace

QCborMap evaluationToCbor(const EvaluationResult& e)
{
    QCborArray points;
    for (const auto& p : e.points)
        points.append(QCborMap{{K("name"), str(p.name)},
                               {K("local"), pointMetricsToCbor(p.local)},
                               {K("accumulated"), pointMetricsToCbor(p.accumulated)}});
    QCborArray accuracy;
    for (const auto& row : e.accuracy)
        accuracy.append(QCborMap{{K("label"), str(row.label)}, {K("metrics"), outputMetricsToCbor(row.metrics)}});
    QCborArray sensitivity;
    for (const auto& s : e.sensitivity)
        sensitivity.append(QCborMap{{K("point"), str(s.point)},
                                    {K("only_this"), outputMetricsToCbor(s.onlyThis)},
                                    {K("all_but_this"), outputMetricsToCbor(s.allButThis)},
                                    {K("drop"), s.drop}});
    QCborArray autoPlan;
    for (const auto& a : e.autoPlan) {
        QCborMap candidates;
        for (const auto& [observer, l2] : a.candidates)
            candidates.insert(str(observer), l2);
        autoPlan.append(QCborMap{{K("point"), str(a.point)},
                                 {K("observer"), str(a.observer)},
                                 {K("local_l2"), a.localL2},
                                 {K("candidates"), candidates},
                                 {K("reason"), str(a.reason)}});
    }
    QCborArray nonFinite;
    for (const auto& n : e.nonFinite)
        nonFinite.append(QCborMap{{K("point"), str(n.point)},
                                  {K("pass"), str(n.pass)},
                                  {K("batch"), n.batch},
                                  {K("count"), qint64(n.count)}});
    QCborArray sweep;
    for (const auto& s : e.sweep)
        sweep.append(QCborMap{{K("percentile"), s.percentile},
                              {K("bins"), s.bins},
                              {K("metrics"), outputMetricsToCbor(s.metrics)}});
    QCborArray warnings;
    for (const auto& w : e.warnings)
        warnings.append(str(w));
    // Configurations as the session stores the points' own (observer_config_json), so that
    // evaluationIsCurrent compares like with like after a reload.
    QCborMap planConfigs;
    for (const auto& [name, config] : e.planConfigs)
        planConfigs.insert(str(name), json(observerConfigToJson(config)));
    QCborArray validation;
    for (const auto& h : e.validation)
        validation.append(QCborMap{{K("name"), str(h.name)},
                                   {K("lo"), h.grid.lo},
                                   {K("hi"), h.grid.hi},
                                   {K("clip_min"), double(h.grid.clipMin)},
                                   {K("clip_max"), double(h.grid.clipMax)},
                                   {K("counts"), cbor::packed(h.counts)},
                                   {K("below"), qint64(h.below)},
                                   {K("above"), qint64(h.above)},
                                   {K("count"), qint64(h.count)},
                                   {K("below_clip"), qint64(h.belowClip)},
                                   {K("above_clip"), qint64(h.aboveClip)}});
    return QCborMap{{K("has_labels"), e.hasLabels},
                    {K("images"), qint64(e.images)},
                    {K("batches"), e.batches},
                    {K("seconds"), e.seconds},
                    {K("float"), outputMetricsToCbor(e.floatMetrics)},
                    {K("plan"), outputMetricsToCbor(e.planMetrics)},
                    {K("points"), points},
                    {K("accuracy"), accuracy},
                    {K("sensitivity"), sensitivity},
                    {K("auto_plan"), autoPlan},
                    {K("non_finite"), nonFinite},
                    {K("sweep"), sweep},
                    {K("warnings"), warnings},
                    {K("data"), json(e.data.toJson())},
                    {K("max_batches"), e.maxBatches},
                    {K("plan_configs"), planConfigs},
                    {K("validation_histograms"), validation}};
}

EvaluationResult evaluationFromCbor(const QCborMap& m, const std::string& path)
{
    if (!m.value(K("points")).isArray() || !m.value(K("plan_configs")).isMap())
        throw CalibError(path, "corrupt session (the stored evaluation is incomplete)");
    EvaluationResult e;
    e.hasLabels = m.value(K("has_labels")).toBool();
    e.images = m.value(K("images")).toInteger();
    e.batches = int(m.value(K("batches")).toInteger());
    e.seconds = real(m, "seconds");
    e.floatMetrics = outputMetricsFromCbor(m.value(K("float")).toMap());
    e.planMetrics = outputMetricsFromCbor(m.value(K("plan")).toMap());
    for (const auto& v : m.value(K("points")).toArray()) {
        const QCborMap p = v.toMap();
        e.points.push_back(PointEvaluation{str(p.value(K("name"))), pointMetricsFromCbor(p.value(K("local")).toMap()),
                                           pointMetricsFromCbor(p.value(K("accumulated")).toMap())});
    }
    for (const auto& v : m.value(K("accuracy")).toArray()) {
        const QCborMap r = v.toMap();
        e.accuracy.push_back(AccuracyRow{str(r.value(K("label"))), outputMetricsFromCbor(r.value(K("metrics")).toMap())});
    }
    for (const auto& v : m.value(K("sensitivity")).toArray()) {
        const QCborMap s = v.toMap();
        e.sensitivity.push_back(SensitivityEntry{str(s.value(K("point"))),
                                                 outputMetricsFromCbor(s.value(K("only_this")).toMap()),
                                                 outputMetricsFromCbor(s.value(K("all_but_this")).toMap()),
                                                 real(s, "drop")});
    }
    for (const auto& v : m.value(K("auto_plan")).toArray()) {
        const QCborMap a = v.toMap();
        AutoChoice choice;
        choice.point = str(a.value(K("point")));
        choice.observer = str(a.value(K("observer")));
        choice.localL2 = real(a, "local_l2");
        const QCborMap candidates = a.value(K("candidates")).toMap();
        for (auto it = candidates.begin(); it != candidates.end(); ++it)
            choice.candidates[it.key().toString().toStdString()] = it.value().toDouble();
        choice.reason = str(a.value(K("reason")));
        e.autoPlan.push_back(std::move(choice));
    }
    for (const auto& v : m.value(K("non_finite")).toArray()) {
        const QCborMap n = v.toMap();
        e.nonFinite.push_back(NonFiniteEvent{str(n.value(K("point"))), str(n.value(K("pass"))),
                                             int(n.value(K("batch")).toInteger()), n.value(K("count")).toInteger()});
    }
    for (const auto& v : m.value(K("sweep")).toArray()) {
        const QCborMap s = v.toMap();
        e.sweep.push_back(SweepRow{real(s, "percentile"), int(s.value(K("bins")).toInteger()),
                                   outputMetricsFromCbor(s.value(K("metrics")).toMap())});
    }
    for (const auto& w : m.value(K("warnings")).toArray())
        e.warnings.push_back(w.toString().toStdString());
    e.data = DatasetSpec::fromJson(jsonOf(m.value(K("data"))), path + " (evaluation data)");
    e.maxBatches = int(m.value(K("max_batches")).toInteger(-1));
    const QCborMap planConfigs = m.value(K("plan_configs")).toMap();
    for (auto it = planConfigs.begin(); it != planConfigs.end(); ++it)
        e.planConfigs[it.key().toString().toStdString()] = observerConfigFromJson(jsonOf(it.value()), path);
    for (const auto& v : m.value(K("validation_histograms")).toArray()) {
        const QCborMap h = v.toMap();
        ValidationHistogram vh;
        vh.name = str(h.value(K("name")));
        vh.counts = cbor::unpacked<double>(h.value(K("counts")));
        vh.grid = CoverageGrid{real(h, "lo"), real(h, "hi"), int(vh.counts.size()), float(real(h, "clip_min")),
                               float(real(h, "clip_max"))};
        vh.below = h.value(K("below")).toInteger();
        vh.above = h.value(K("above")).toInteger();
        vh.count = h.value(K("count")).toInteger();
        vh.belowClip = h.value(K("below_clip")).toInteger();
        vh.aboveClip = h.value(K("above_clip")).toInteger();
        if (vh.counts.empty() || !(vh.grid.hi > vh.grid.lo))
            throw CalibError(path, "corrupt session (validation histogram of " + vh.name + ")");
        e.validation.push_back(std::move(vh));
    }
    return e;
}

} // namespace cs

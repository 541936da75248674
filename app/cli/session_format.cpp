#include "cli/session_format.h"

#include "cli/cli_common.h"

#include "core/errors.h"
#include "core/session/observer_config_json_p.h"
#include "core/observers/quant_types.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <iomanip>
#include <sstream>

namespace cs {
namespace {

std::string number(double v)
{
    std::ostringstream s;
    s << std::setprecision(7) << v;
    return s.str();
}

std::string first(const std::vector<float>& v) { return v.empty() ? std::string("-") : number(v.front()); }
std::string firstInt(const std::vector<int64_t>& v) { return v.empty() ? std::string("-") : std::to_string(v.front()); }

// A point no calibration batch ran (inside a branch never taken): no statistics, kept float.
bool noData(const PointCalibration& p) { return !p.stats.hasData() && !p.result.hasStatistics; }

std::vector<std::string> pointRow(const CalibrationResult& r, const PointCalibration& p)
{
    const OpInfo& op = r.model.ops[size_t(p.opIndex)];
    return {p.name,
            op.kind,
            p.config.keepFloat ? std::string("float") : noData(p) ? "no data (float)" : p.config.name,
            obs::toString(p.config.spec.dtype),
            noData(p) ? std::string("-") : number(p.stats.min),
            noData(p) ? std::string("-") : number(p.stats.max),
            first(p.result.min),
            first(p.result.max),
            first(p.result.scale),
            firstInt(p.result.zeroPoint),
            p.stats.nan || p.stats.inf ? std::to_string(p.stats.nan + p.stats.inf) : std::string("0")};
}

const std::vector<std::string> kHeader{"point", "kind", "observer", "dtype", "data_min", "data_max",
                                       "clip_min", "clip_max", "scale", "zero_point", "non_finite"};

QJsonObject statsJson(const PointStatistics& s, bool withHistogram)
{
    QJsonObject o{{QStringLiteral("count"), qint64(s.count)}, {QStringLiteral("nan"), qint64(s.nan)},
                  {QStringLiteral("inf"), qint64(s.inf)}, {QStringLiteral("min"), double(s.min)},
                  {QStringLiteral("max"), double(s.max)}, {QStringLiteral("mean"), s.mean},
                  {QStringLiteral("std"), s.std}, {QStringLiteral("batches"), qint64(s.batches.size())}};
    if (withHistogram) {
        QJsonArray counts;
        for (double c : s.histogram.counts)
            counts.append(c);
        o.insert(QStringLiteral("histogram"), QJsonObject{{QStringLiteral("lo"), s.histogram.lo},
                                                          {QStringLiteral("hi"), s.histogram.hi},
                                                          {QStringLiteral("counts"), counts}});
        QJsonArray batches;
        for (const auto& b : s.batches)
            batches.append(QJsonObject{{QStringLiteral("min"), double(b.min)}, {QStringLiteral("max"), double(b.max)},
                                       {QStringLiteral("count"), qint64(b.count)}, {QStringLiteral("nan"), qint64(b.nan)},
                                       {QStringLiteral("inf"), qint64(b.inf)}});
        o.insert(QStringLiteral("per_batch"), batches);
    }
    return o;
}

QJsonObject pointJson(const CalibrationResult& r, const PointCalibration& p, bool details)
{
    const OpInfo& op = r.model.ops[size_t(p.opIndex)];
    QJsonObject o{{QStringLiteral("name"), QString::fromStdString(p.name)},
                  {QStringLiteral("kind"), QString::fromStdString(op.kind)},
                  {QStringLiteral("module"), QString::fromStdString(op.module)},
                  {QStringLiteral("config"), observerConfigToJson(p.config)},
                  {QStringLiteral("result"), observerResultToJson(p.result)},
                  {QStringLiteral("stats"), statsJson(p.stats, details)},
                  {QStringLiteral("no_data"), noData(p)}};
    if (!p.compare.empty()) {
        QJsonObject compare;
        for (const auto& [name, result] : p.compare)
            compare.insert(QString::fromStdString(name), observerResultToJson(result));
        o.insert(QStringLiteral("compare"), compare);
    }
    return o;
}

} // namespace

std::string formatPointsTable(const CalibrationResult& r)
{
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : r.points)
        rows.push_back(pointRow(r, p));
    std::ostringstream out;
    out << cli::textTable(kHeader, rows) << r.points.size() << " activation points, " << r.weights.size()
        << " weight points; " << r.images << " images in " << r.batches << " batches\n";
    for (const auto& w : r.warnings)
        out << "warning: " << w << '\n';
    return out.str();
}

std::string formatPointsCsv(const CalibrationResult& r)
{
    std::ostringstream out;
    for (size_t c = 0; c < kHeader.size(); ++c)
        out << kHeader[c] << (c + 1 < kHeader.size() ? "," : "\n");
    for (const auto& p : r.points) {
        const auto row = pointRow(r, p);
        for (size_t c = 0; c < row.size(); ++c)
            out << row[c] << (c + 1 < row.size() ? "," : "\n");
    }
    return out.str();
}

std::string formatPointsJson(const CalibrationResult& r)
{
    QJsonArray points;
    for (const auto& p : r.points)
        points.append(pointJson(r, p, false));
    QJsonArray weights;
    for (const auto& w : r.weights)
        weights.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(w.name)},
                                   {QStringLiteral("config"), observerConfigToJson(w.config)},
                                   {QStringLiteral("result"), observerResultToJson(w.result)},
                                   {QStringLiteral("folded_batch_norm"), QString::fromStdString(w.foldedBatchNorm)}});
    QJsonArray warnings;
    for (const auto& w : r.warnings)
        warnings.append(QString::fromStdString(w));
    const QJsonObject root{{QStringLiteral("model"), QString::fromStdString(r.model.path)},
                           {QStringLiteral("images"), qint64(r.images)},
                           {QStringLiteral("batches"), r.batches},
                           {QStringLiteral("points"), points},
                           {QStringLiteral("weights"), weights},
                           {QStringLiteral("warnings"), warnings}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

std::string formatPointDetails(const CalibrationResult& r, const std::string& opName, bool json)
{
    const PointCalibration* p = r.point(opName);
    if (!p) {
        // A fused or passthrough op is quantized at another point: say which.
        for (const auto& op : r.model.ops) {
            const std::string& target = !op.fusedInto.empty() ? op.fusedInto : op.sharesPointWith;
            if (op.name == opName && !target.empty())
                p = r.point(target);
        }
    }
    if (!p) {
        std::string names;
        for (const auto& q : r.points)
            names += (names.empty() ? "" : ", ") + q.name;
        throw CalibError("--op " + opName, "no such op; points: " + names);
    }
    if (json)
        return QJsonDocument(pointJson(r, *p, true)).toJson(QJsonDocument::Indented).toStdString();
    std::ostringstream out;
    out << "point        " << p->name << (p->name != opName ? " (quantizes " + opName + ")" : std::string()) << '\n'
        << "observer     " << p->config.name << "  " << obs::toString(p->config.spec.dtype) << ' '
        << obs::toString(p->config.spec.qscheme) << (p->config.keepFloat ? "  (kept float)" : "") << '\n';
    for (const auto& [key, value] : p->config.params)
        out << "  " << key << " = " << number(value) << '\n';
    out << "clip         [" << first(p->result.min) << ", " << first(p->result.max) << "]  scale "
        << first(p->result.scale) << "  zero point " << firstInt(p->result.zeroPoint) << '\n'
        << "data         min " << number(p->stats.min) << "  max " << number(p->stats.max) << "  mean "
        << number(p->stats.mean) << "  std " << number(p->stats.std) << "  elements " << p->stats.count << '\n'
        << "non-finite   " << p->stats.nan << " NaN, " << p->stats.inf << " Inf\n";
    if (noData(*p))
        out << "no data      no calibration batch ran this point (its branch was not taken): it stays in float\n";
    if (!p->result.warning.empty())
        out << "warning      " << p->result.warning << '\n';
    if (!p->compare.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [name, result] : p->compare)
            rows.push_back({name, first(result.min), first(result.max), first(result.scale), firstInt(result.zeroPoint)});
        out << '\n' << cli::textTable({"observer", "clip_min", "clip_max", "scale", "zero_point"}, rows);
    }
    return out.str();
}

} // namespace cs

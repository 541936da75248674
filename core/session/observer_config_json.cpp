#include "core/session/observer_config_json_p.h"

#include "core/errors.h"
#include "core/observers/observer_registry.h"

#include <QJsonArray>

namespace cs {
namespace {

template <typename T>
QJsonArray toArray(const std::vector<T>& values)
{
    QJsonArray a;
    for (const auto& v : values)
        a.append(double(v));
    return a;
}

template <typename T>
std::vector<T> fromArray(const QJsonValue& value)
{
    std::vector<T> out;
    for (const auto& v : value.toArray())
        out.push_back(static_cast<T>(v.toDouble()));
    return out;
}

const QString kName = QStringLiteral("observer");
const QString kParams = QStringLiteral("params");
const QString kDtype = QStringLiteral("dtype");
const QString kQscheme = QStringLiteral("qscheme");

} // namespace

QJsonObject observerConfigToJson(const ObserverConfig& config)
{
    QJsonObject params;
    for (const auto& [key, value] : config.params)
        params.insert(QString::fromStdString(key), value);
    QJsonObject o{{kName, QString::fromStdString(config.name)},
                  {kParams, params},
                  {kDtype, QString::fromStdString(obs::toString(config.spec.dtype))},
                  {kQscheme, QString::fromStdString(obs::toString(config.spec.qscheme))},
                  {QStringLiteral("narrow_range"), config.spec.narrowRange},
                  {QStringLiteral("reduce_range"), config.spec.reduceRange},
                  {QStringLiteral("power_of_two"), config.spec.powerOfTwo},
                  {QStringLiteral("keep_float"), config.keepFloat}};
    const obs::QuantRange range = obs::quantRange(config.spec);
    o.insert(QStringLiteral("quant_min"), qint64(range.qmin));
    o.insert(QStringLiteral("quant_max"), qint64(range.qmax));
    if (config.spec.chAxis >= 0)
        o.insert(QStringLiteral("ch_axis"), config.spec.chAxis);
    if (config.spec.quantMin || config.spec.quantMax)
        o.insert(QStringLiteral("custom_range"), true);
    return o;
}

ObserverConfig observerConfigFromJson(const QJsonObject& json, const std::string& subject)
{
    ObserverConfig c;
    c.name = json.value(kName).toString(QStringLiteral("min_max")).toStdString();
    if (!obs::findObserver(c.name))
        throw CalibError(subject, "unknown observer '" + c.name + "'");
    const QJsonValue params = json.value(kParams);
    if (!params.isUndefined() && !params.isObject())
        throw CalibError(subject, "\"params\" must be an object");
    const QJsonObject paramObject = params.toObject();
    for (auto it = paramObject.begin(); it != paramObject.end(); ++it) {
        if (it.value().isBool())
            c.params[it.key().toStdString()] = it.value().toBool() ? 1.0 : 0.0;
        else if (it.value().isDouble())
            c.params[it.key().toStdString()] = it.value().toDouble();
        else
            throw CalibError(subject, "parameter '" + it.key().toStdString() + "' must be a number");
    }
    const std::string dtype = json.value(kDtype).toString(QStringLiteral("qint8")).toStdString();
    const auto d = obs::dtypeFromString(dtype);
    if (!d)
        throw CalibError(subject, "unknown dtype '" + dtype + "'");
    c.spec.dtype = *d;
    const std::string qscheme = json.value(kQscheme).toString(QStringLiteral("per_tensor_symmetric")).toStdString();
    const auto q = obs::qschemeFromString(qscheme);
    if (!q)
        throw CalibError(subject, "unknown qscheme '" + qscheme + "'");
    c.spec.qscheme = *q;
    c.spec.narrowRange = json.value(QStringLiteral("narrow_range")).toBool(false);
    c.spec.reduceRange = json.value(QStringLiteral("reduce_range")).toBool(false);
    c.spec.powerOfTwo = json.value(QStringLiteral("power_of_two")).toBool(false);
    c.spec.chAxis = json.value(QStringLiteral("ch_axis")).toInt(c.spec.perChannel() ? 0 : -1);
    if (json.value(QStringLiteral("custom_range")).toBool(false)) {
        c.spec.quantMin = json.value(QStringLiteral("quant_min")).toInteger();
        c.spec.quantMax = json.value(QStringLiteral("quant_max")).toInteger();
    }
    c.keepFloat = json.value(QStringLiteral("keep_float")).toBool(false);
    const std::string problem = obs::validateParams(c.name, c.params, c.spec);
    if (!problem.empty())
        throw CalibError(subject, problem);
    return c;
}

QJsonObject observerResultToJson(const obs::ObserverResult& r)
{
    QJsonObject extras;
    for (const auto& [key, value] : r.extras)
        extras.insert(QString::fromStdString(key), value);
    return QJsonObject{{QStringLiteral("min"), toArray(r.min)},
                       {QStringLiteral("max"), toArray(r.max)},
                       {QStringLiteral("scale"), toArray(r.scale)},
                       {QStringLiteral("zero_point"), toArray(r.zeroPoint)},
                       {QStringLiteral("has_statistics"), r.hasStatistics},
                       {QStringLiteral("warning"), QString::fromStdString(r.warning)},
                       {QStringLiteral("extras"), extras},
                       {QStringLiteral("non_finite"), qint64(r.nonFinite)},
                       {QStringLiteral("batches"), qint64(r.batches)}};
}

obs::ObserverResult observerResultFromJson(const QJsonObject& json)
{
    obs::ObserverResult r;
    r.min = fromArray<float>(json.value(QStringLiteral("min")));
    r.max = fromArray<float>(json.value(QStringLiteral("max")));
    r.scale = fromArray<float>(json.value(QStringLiteral("scale")));
    r.zeroPoint = fromArray<int64_t>(json.value(QStringLiteral("zero_point")));
    r.hasStatistics = json.value(QStringLiteral("has_statistics")).toBool();
    r.warning = json.value(QStringLiteral("warning")).toString().toStdString();
    const QJsonObject extras = json.value(QStringLiteral("extras")).toObject();
    for (auto it = extras.begin(); it != extras.end(); ++it)
        r.extras[it.key().toStdString()] = it.value().toDouble();
    r.nonFinite = json.value(QStringLiteral("non_finite")).toInteger();
    r.batches = json.value(QStringLiteral("batches")).toInteger();
    return r;
}

} // namespace cs

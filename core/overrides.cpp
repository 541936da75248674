#include "core/overrides.h"

#include "core/errors.h"
#include "core/observer_config_json.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cs {

OverridesFile loadOverrides(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.exists())
        throw CalibError(path, "no such file");
    if (!file.open(QIODevice::ReadOnly))
        throw CalibError(path, "cannot read (" + file.errorString().toStdString() + ")");
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw CalibError(path, "not valid JSON (" + parseError.errorString().toStdString() + " at offset "
                                   + std::to_string(parseError.offset) + ")");
    const QJsonValue ops = doc.object().value(QStringLiteral("ops"));
    if (!ops.isArray())
        throw CalibError(path, "expected an object with an \"ops\" array (a calibscope qconfig)");
    OverridesFile result;
    int index = 0;
    for (const QJsonValue& v : ops.toArray()) {
        const QJsonObject op = v.toObject();
        const std::string name = op.value(QStringLiteral("name")).toString().toStdString();
        if (name.empty())
            throw CalibError(path, "ops[" + std::to_string(index) + "] has no \"name\"");
        ++index;
        const QJsonValue activation = op.value(QStringLiteral("activation"));
        const bool quantize = op.value(QStringLiteral("quantize")).toBool(true);
        if (!activation.isObject() && quantize)
            continue; // fused or passthrough ops carry no activation block
        ObserverConfig config = activation.isObject()
                                    ? observerConfigFromJson(activation.toObject(), path + ": op " + name)
                                    : defaultActivationConfig();
        config.keepFloat = config.keepFloat || !quantize;
        result.overrides[name] = config;
    }
    result.notes.push_back("read " + std::to_string(result.overrides.size()) + " per-op configurations from " + path);
    return result;
}

} // namespace cs

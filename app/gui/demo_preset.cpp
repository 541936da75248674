#include "gui/demo_preset.h"

#include "core/errors.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace cs::app {

DemoPreset loadDemoPreset(const QString& descriptionPath)
{
    const std::string subject = descriptionPath.toStdString();
    QFile file(descriptionPath);
    if (!file.open(QIODevice::ReadOnly))
        throw CalibError(subject, "cannot read the demo description (" + file.errorString().toStdString() + ")");
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw CalibError(subject, "not a JSON object");
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String("calibscope-demo"))
        throw CalibError(subject, "not a calibscope demo description");
    // The splits are DatasetSpec JSON without preprocessing; the demo has one for both.
    const auto split = [&](const char* key) {
        QJsonObject json = root.value(QLatin1String(key)).toObject();
        if (json.isEmpty())
            throw CalibError(subject, std::string("no \"") + key + "\" split");
        json.insert(QStringLiteral("preprocess"), root.value(QStringLiteral("preprocess")));
        return DatasetSpec::fromJson(json, subject + " " + key);
    };
    DemoPreset preset;
    preset.calibration = split("calibration");
    preset.validation = split("validation");
    return preset;
}

} // namespace cs::app

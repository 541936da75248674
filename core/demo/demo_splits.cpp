#include "core/demo/demo_splits.h"

#include "core/errors.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace cs {

DemoSplits loadDemoSplits(const std::string& descriptionPath)
{
    QFile file(QString::fromStdString(descriptionPath));
    if (!file.open(QIODevice::ReadOnly))
        throw CalibError(descriptionPath,
                         "cannot read the demo description (" + file.errorString().toStdString() + ")");
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw CalibError(descriptionPath, "not a JSON object");
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String("calibscope-demo"))
        throw CalibError(descriptionPath, "not a calibscope demo description");
    // The splits are DatasetSpec JSON without preprocessing; the description keeps the demo's
    // one preprocessing once for both.
    auto split = [&](const char* key) {
        QJsonObject o = root.value(QLatin1String(key)).toObject();
        if (o.isEmpty())
            throw CalibError(descriptionPath, std::string("no \"") + key + "\" split");
        o.insert(QStringLiteral("preprocess"), root.value(QStringLiteral("preprocess")));
        return DatasetSpec::fromJson(o, descriptionPath + " " + key);
    };
    return DemoSplits{split("calibration"), split("validation")};
}

} // namespace cs

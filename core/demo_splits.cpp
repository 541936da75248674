#include "core/demo_splits.h"

#include "core/errors.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace cs {

DemoSplits loadDemoSplits(const std::string& descriptionPath)
{
    QFile file(QString::fromStdString(descriptionPath));
    if (!file.open(QIODevice::ReadOnly))
        throw CalibError(descriptionPath, "cannot read the demo description");
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String("calibscope-demo"))
        throw CalibError(descriptionPath, "not a calibscope demo description");
    // The splits share the demo's preprocessing; the description keeps it once.
    auto split = [&](const char* key) {
        QJsonObject o = root.value(QLatin1String(key)).toObject();
        o.insert(QStringLiteral("preprocess"), root.value(QStringLiteral("preprocess")));
        return DatasetSpec::fromJson(o, descriptionPath);
    };
    return DemoSplits{split("calibration"), split("validation")};
}

} // namespace cs

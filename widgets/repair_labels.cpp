#include "widgets/repair_labels.h"

#include <QStringList>

#include <algorithm>

namespace cs::ui {

namespace {

struct KnownRepair {
    const char* record;
    const char* plain;
};

// The repairs core records (core/repair and the plan search / AdaRound / budget steps); the plain
// names are marked for lupdate here and translated through RepairText at display time.
constexpr KnownRepair kKnown[] = {
    {"preset", QT_TRANSLATE_NOOP("cs::ui::RepairText", "preset")},
    {"equalization", QT_TRANSLATE_NOOP("cs::ui::RepairText", "equalization")},
    {"weight_clipping", QT_TRANSLATE_NOOP("cs::ui::RepairText", "weight clipping")},
    {"bias_correction", QT_TRANSLATE_NOOP("cs::ui::RepairText", "bias correction")},
    {"plan_search", QT_TRANSLATE_NOOP("cs::ui::RepairText", "plan search")},
    {"adaround", QT_TRANSLATE_NOOP("cs::ui::RepairText", "AdaRound")},
    {"fallback_budget", QT_TRANSLATE_NOOP("cs::ui::RepairText", "fallback budget")},
};

QString translatedPlain(const std::string& plain)
{
    for (const auto& k : kKnown)
        if (plain == k.plain)
            return RepairText::tr(k.plain);
    return QString::fromStdString(plain);
}

} // namespace

std::string repairPlainName(const std::string& recordName)
{
    for (const auto& k : kKnown)
        if (recordName == k.record)
            return k.plain;
    std::string plain = recordName;
    std::replace(plain.begin(), plain.end(), '_', ' ');
    return plain;
}

QString repairDisplayName(const std::string& recordName) { return translatedPlain(repairPlainName(recordName)); }

std::string afterRepairRow(const std::vector<std::string>& recordNames)
{
    std::string label = kAfterRepairPrefix;
    for (size_t i = 0; i < recordNames.size(); ++i)
        label += (i ? ", " : "") + repairPlainName(recordNames[i]);
    return label;
}

bool isRepairRow(const std::string& label)
{
    return label == kBeforeRepairRow || label.rfind(kAfterRepairPrefix, 0) == 0;
}

QString repairRowDisplay(const std::string& label)
{
    if (label == kBeforeRepairRow)
        return RepairText::tr("Before repair");
    if (label.rfind(kAfterRepairPrefix, 0) != 0)
        return QString::fromStdString(label);
    const QString names = QString::fromStdString(label.substr(std::char_traits<char>::length(kAfterRepairPrefix)));
    QStringList shown;
    for (const QString& name : names.split(QStringLiteral(", "), Qt::SkipEmptyParts))
        shown << translatedPlain(name.toStdString());
    return RepairText::tr("After: %1").arg(shown.join(RepairText::tr(", ")));
}

} // namespace cs::ui

#include "widgets/repair_labels.h"

#include <QStringList>

#include <algorithm>

namespace cs::ui {

namespace {

struct KnownRepair {
    const char* record;
    const char* plain;
};

// The repairs core records (core/repair and the plan search / AdaRound / budget steps).
constexpr KnownRepair kKnown[] = {
    {"preset", "preset"},
    {"equalization", "equalization"},
    {"weight_clipping", "weight clipping"},
    {"bias_correction", "bias correction"},
    {"plan_search", "plan search"},
    {"adaround", "AdaRound"},
    {"fallback_budget", "fallback budget"},
};

QString translatedPlain(const std::string& plain)
{
    if (plain == "preset")
        return RepairText::tr("preset");
    if (plain == "equalization")
        return RepairText::tr("equalization");
    if (plain == "weight clipping")
        return RepairText::tr("weight clipping");
    if (plain == "bias correction")
        return RepairText::tr("bias correction");
    if (plain == "plan search")
        return RepairText::tr("plan search");
    if (plain == "AdaRound")
        return RepairText::tr("AdaRound");
    if (plain == "fallback budget")
        return RepairText::tr("fallback budget");
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

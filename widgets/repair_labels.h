#pragma once
// The names of the repairs as the user reads them, and the labels of the accuracy rows that
// compare a plan before and after its last repair. The rows are stored in the evaluation
// under these plain labels (beside "float", "plan", "auto"); the views translate them here.
#include <QCoreApplication>
#include <QString>

#include <string>
#include <vector>

namespace cs::ui {

// The evaluation's row of the plan without its last repair.
inline constexpr const char kBeforeRepairRow[] = "before repair";
// The row of the plan with it: "after: bias correction, equalization".
inline constexpr const char kAfterRepairPrefix[] = "after: ";

class RepairText {
    Q_DECLARE_TR_FUNCTIONS(cs::ui::RepairText)
};

// "bias_correction" → "bias correction" (the stored, untranslated form).
std::string repairPlainName(const std::string& recordName);
// The same, translated.
QString repairDisplayName(const std::string& recordName);
// "after: " + the plain names joined by ", ".
std::string afterRepairRow(const std::vector<std::string>& recordNames);
bool isRepairRow(const std::string& label);
// "Before repair", "After: bias correction, equalization" (translated); other labels as is.
QString repairRowDisplay(const std::string& label);

} // namespace cs::ui

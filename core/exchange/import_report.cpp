// ImportReport: counting and the text shown by the CLI and the GUI's import dialog.
#include "core/exchange/overrides.h"

namespace cs {

const char* importStatusName(ImportStatus status)
{
    switch (status) {
    case ImportStatus::Unchanged: return "unchanged";
    case ImportStatus::Change: return "change";
    case ImportStatus::Recomputed: return "recomputed";
    case ImportStatus::ValuesFromFile: return "values from file";
    case ImportStatus::NeedsData: return "needs data";
    case ImportStatus::Rejected: return "rejected";
    }
    return "?";
}

int ImportReport::count(ImportStatus status) const
{
    int n = 0;
    for (const ImportEntry& e : entries)
        n += e.status == status ? 1 : 0;
    return n;
}

bool ImportReport::hasProblems() const
{
    return modelMismatch || !unmatched.empty() || count(ImportStatus::Rejected) > 0 || count(ImportStatus::NeedsData) > 0;
}

std::string ImportReport::text() const
{
    std::string out = path + ": " + std::to_string(count(ImportStatus::Change)) + " to change, "
                      + std::to_string(count(ImportStatus::Recomputed)) + " recomputed, "
                      + std::to_string(count(ImportStatus::ValuesFromFile)) + " values from file, "
                      + std::to_string(count(ImportStatus::Unchanged)) + " unchanged, "
                      + std::to_string(count(ImportStatus::NeedsData)) + " need data, "
                      + std::to_string(count(ImportStatus::Rejected)) + " rejected, " + std::to_string(unmatched.size())
                      + " not in the model\n";
    if (modelMismatch)
        out += "model mismatch: the file is for sha256 " + fileSha256 + ", the session's model is " + sessionSha256 + "\n";
    for (const std::string& name : unmatched)
        out += "not in the model: " + name + "\n";
    for (const ImportEntry& e : entries)
        if (e.status == ImportStatus::Rejected || e.status == ImportStatus::NeedsData)
            out += std::string(importStatusName(e.status)) + ": " + e.op + " " + e.point + ": " + e.message + "\n";
    for (const ImportEntry& e : entries)
        if (e.status != ImportStatus::Rejected && e.status != ImportStatus::NeedsData && !e.message.empty())
            out += std::string(importStatusName(e.status)) + ": " + e.op + " " + e.point + ": " + e.message + "\n";
    if (!notInFile.empty()) {
        out += "not in the file (kept as they are):";
        for (const std::string& name : notInFile)
            out += " " + name;
        out += "\n";
    }
    for (const std::string& note : notes)
        out += "note: " + note + "\n";
    return out;
}

} // namespace cs

#pragma once
// Applying a qconfig JSON (calibscope's or hand-edited, FORMATS.md) to a calibration:
// `calibrate --overrides` and the GUI's import.
//
// Import is two steps so that nothing changes behind the user's back:
//   ImportReport report = checkImport(result, "q.json");   // result untouched
//   ... show report.text(); if the user agrees (or !report.hasProblems()):
//   report = applyImport(result, bank, report);            // outcome per point
// Every op entry of the file ends up in the report: applied, unchanged, rejected with the
// reason (unknown observer, wrong type, value out of range), or a name the model lacks.
#include "core/calibration.h"

#include <map>
#include <string>
#include <vector>

namespace cs {

// ---- calibrate --overrides ------------------------------------------------------------

struct OverridesFile {
    std::map<std::string, ObserverConfig> overrides;        // activation config by op name
    std::map<std::string, ObserverConfig> weightOverrides;  // weight config by conv/linear op name
    std::string modelSha256;                                // "" when the file has none
    std::vector<std::string> notes;                         // what was read and what was not used
};

// Reads the "ops" of a qconfig: each op's "activation" and "weight" block (keys a block
// leaves out keep the `activationBase` / `weightBase` value) and "quantize": false as
// keep-float. Throws CalibError naming the file and the op on bad entries (unknown
// observer, wrong types, out-of-range values): a run must not start half-configured.
OverridesFile loadOverrides(const std::string& path, const ObserverConfig& activationBase,
                            const ObserverConfig& weightBase);
// The same with the default activation and weight configurations as bases.
OverridesFile loadOverrides(const std::string& path);

// ---- import into a calibration result -------------------------------------------------

struct ImportOptions {
    enum class Values {
        Recompute, // recompute from this session's statistics; the file's numbers are used only
                   // where the statistics cannot serve the new configuration
        FromFile,  // take the file's min/max/scale/zero_point as they are (load_observer_params)
    };
    Values values = Values::Recompute;
};

enum class ImportStatus {
    Unchanged,      // the file says what the session already has
    Change,         // checkImport: a valid change applyImport will make
    Recomputed,     // applied; values recomputed from the session's statistics
    ValuesFromFile, // applied; min/max/scale/zero_point taken from the file
    NeedsData,      // not applied: the new configuration needs the calibration data again
                    // and the file carries no values (re-run `calibrate --overrides FILE`)
    Rejected,       // not applied: the entry is invalid (see message)
};
const char* importStatusName(ImportStatus status);

struct ImportEntry {
    std::string op;          // the op name as the file writes it
    std::string point;       // "activation", "weight" or "op"
    ImportStatus status = ImportStatus::Unchanged;
    std::string message;     // what changes, why rejected, or a remark ("" when nothing to say)

    // What applyImport sets (valid for Change entries).
    ObserverConfig config;
    obs::ObserverResult values;
    bool hasValues = false;  // the file's numbers are complete and valid
};

struct ImportReport {
    std::string path;
    ImportOptions options;
    std::string fileSha256;      // "" when the file does not say
    std::string sessionSha256;
    bool modelMismatch = false;  // both hashes known and different
    std::vector<ImportEntry> entries;    // in file order
    std::vector<std::string> unmatched;  // op names of the file the model does not have
    std::vector<std::string> notInFile;  // points of the session the file does not mention
    std::vector<std::string> notes;      // file-level remarks (other data, unknown keys ...)

    int count(ImportStatus status) const;
    // Rejected entries, unmatched names or a model hash mismatch: ask before applying.
    bool hasProblems() const;
    // Multi-line, human-readable: a summary line, then every problem and change.
    std::string text() const;
};

// Reads and checks `path` against `result` without changing it. Throws CalibError only
// when the file is unreadable or not a qconfig at all; everything else is in the report.
ImportReport checkImport(const CalibrationResult& result, const std::string& path, const ImportOptions& options = {});
ImportReport checkImportText(const CalibrationResult& result, const std::string& json, const std::string& path,
                             const ImportOptions& options = {});

// Applies the Change entries of `checked` (a report of checkImport on this result) and
// returns the report with each entry's outcome. Rejected, unmatched and unchanged entries
// change nothing. `bank` holds the result's live observers (instant recomputation).
ImportReport applyImport(CalibrationResult& result, ObserverBank& bank, const ImportReport& checked);

} // namespace cs

#pragma once
#include <string>

namespace cs {

// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
// failure at any point leaves the previous file untouched. Throws CalibError.
void writeFileAtomically(const std::string& path, const std::string& bytes);

// For tests of the promise above: when set, the next write fails after writing this many
// bytes of the temporary file (then the hook clears itself).
void injectWriteFailureForTesting(long long afterBytes);

} // namespace cs

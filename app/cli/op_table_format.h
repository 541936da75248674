#pragma once
#include "core/model/op_info.h"

#include <string>

namespace cs {

// The op list as the CLI prints it (and tests compare): an aligned text table, JSON, CSV.
std::string formatOpsTable(const ModelSummary& summary);
std::string formatOpsJson(const ModelSummary& summary);
std::string formatOpsCsv(const ModelSummary& summary);

// One word for the op's role: "input", "point", "fused", "passthrough".
std::string opRole(const OpInfo& op);

} // namespace cs

#include "cli/cli_common.h"

namespace cli {

int runExport(const QStringList& arguments)
{
    (void)arguments;
    printError("export: not available in this build yet");
    return Failed;
}

} // namespace cli

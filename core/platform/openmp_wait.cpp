#include "core/platform/openmp_wait.h"

#include <cstdlib>
#include <unistd.h>

namespace cs {

void preferPassiveOpenMpWaiting(char** argv)
{
    if (std::getenv("OMP_WAIT_POLICY") != nullptr)
        return;
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    // /proc/self/exe is this very binary, wherever it was started from (PATH, a relative
    // path, a package unpacked elsewhere). execv only returns on failure.
    execv("/proc/self/exe", argv);
}

} // namespace cs

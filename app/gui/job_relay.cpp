#include "gui/job_relay.h"

namespace cs::app {

JobProgressInfo JobState::progressInfo(const ProgressInfo& info) const
{
    JobProgressInfo p;
    p.stage = QString::fromStdString(info.stage);
    p.done = info.done;
    p.total = info.total;
    p.itemsPerSecond = info.itemsPerSecond;
    const double elapsed = double(clock.elapsed()) / 1000.0;
    if (info.done > 0 && info.total > info.done)
        p.etaSeconds = elapsed / double(info.done) * double(info.total - info.done);
    else if (info.total > 0 && info.done >= info.total)
        p.etaSeconds = 0;
    return p;
}

} // namespace cs::app

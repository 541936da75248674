#pragma once
// Internal to core: merging the saved states of one observer from runs over different data
// shards (calibscope-cli merge), as if one run had observed the shards' batches in order.
// Torch-free; session_merge.cpp is the only user.
#include "core/observers/observer.h"

#include <optional>
#include <string>
#include <vector>

namespace cs {

struct StateMerge {
    std::optional<obs::ObserverState> state; // empty: the states cannot be merged
    std::string why;                         // why not (when state is empty)
    std::string caveat;                      // merged, but not what one run would give
};

// `states` come from observers of the same name, parameters and grid (else: not merged,
// `why` says which differs), in shard order. How each observer merges:
//  - per-batch observers (min_max, clip, clip_std, mse, mix, percentile, pact2, fixed_scale):
//    their state is the sequence of per-batch statistics, so concatenating the sequences and
//    replaying them (loadState does) IS one run over the shards; EMA order included;
//  - running_min_max: element-wise min/max (order-free);
//  - kl: the completed update_interval histograms are concatenated; batches of an unfinished
//    interval at the end of a shard other than the last are dropped (caveat);
//  - torch_histogram and the NVIDIA hist_* observers keep one histogram re-gridded by the
//    data's order (torch) or binned at a width set by each run's first batch (NVIDIA): they
//    merge only when a single shard contributed batches.
StateMerge mergeObserverStates(const std::vector<obs::ObserverState>& states);

} // namespace cs
